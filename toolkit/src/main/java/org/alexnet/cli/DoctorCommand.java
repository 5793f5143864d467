package org.alexnet.cli;

import java.io.PrintStream;
import org.alexnet.engine.Cuda;
import org.alexnet.engine.Doctor;
import picocli.CommandLine.Command;

@Command(
        name = "doctor",
        description = {
            "show the engines, their native libraries and where they came from, the GPUs, and what training would run on",
            "(and why not on a GPU): Java, the GPUs CUDA reports, each engine's version, native build (CPU or CUDA) and",
            "where DJL found it (bundled in this jar, PYTORCH_LIBRARY_PATH / MXNET_LIBRARY_PATH, or its download cache),",
            "the devices each engine sees; exit code 1 when no engine can be loaded"
        })
final class DoctorCommand extends Subcommand {

    DoctorCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() {
        Doctor.Report report = Doctor.run(Cuda.probe());
        report.lines().forEach(out::println);
        return report.usable() ? 0 : 1;
    }
}
