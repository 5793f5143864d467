package org.alexnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PipelineBenchmarkTest {

    @Test
    void flagsAndTheirDefaults() {
        PipelineBenchmark.Options o = new PipelineBenchmark.Options();
        new CommandLine(o).parseArgs("--dir", "corpus", "--seconds", "2.5", "--single-only");
        assertEquals(Path.of("corpus"), o.dir);
        assertEquals(2.5, o.seconds);
        assertTrue(o.singleOnly);
        assertEquals("MXNet", o.engine);
        assertEquals(32, o.batch);
        assertEquals(3, o.trainSteps);
        assertEquals(Runtime.getRuntime().availableProcessors(), o.threads);
    }

    @Test
    void aMissingFolderOrBadNumberIsOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = TrainingBenchmark.oneLineErrors(new CommandLine(new PipelineBenchmark.Options()));
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--seconds", "3"));
        assertEquals(
                "PipelineBenchmark: Missing required option: '--dir=DIR' (--help lists the flags)",
                err.toString().strip());
    }
}
