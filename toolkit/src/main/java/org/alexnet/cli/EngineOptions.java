package org.alexnet.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.alexnet.engine.Engines;
import picocli.CommandLine.Option;

/**
 * {@code --engine}, declared once for every command that loads an engine, and the one way the
 * command line (and the benchmark, as a picocli {@code @Mixin}) selects it: {@link Engines}'s rule
 * and notes, with {@link org.alexnet.engine.NativeThreads} applied before the native library loads.
 */
public final class EngineOptions {

    /** The engines that train, for help and completion. */
    static final class Names extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Names() {
            super(List.of(Engines.DEFAULT, Engines.PYTORCH));
        }
    }

    @Option(
            names = "--engine",
            paramLabel = "NAME",
            completionCandidates = Names.class,
            description = {
                "${COMPLETION-CANDIDATES} (default " + Engines.DEFAULT + "); without it, train and evaluate"
                        + " use " + Engines.PYTORCH + " when GPUs are present that " + Engines.DEFAULT
                        + " cannot use (a note"
                        + " says so); the other commands run on the CPU with " + Engines.DEFAULT
            })
    String engine;

    /** The engine asked for, or null for the rule's choice. */
    public String requested() {
        return engine;
    }

    /** An engine and the devices to run on. */
    public record Selection(Engine engine, Device[] devices) {}

    /**
     * The engine and devices to train on, by {@link Engines#choose}'s rule, up to {@code maxGpus}
     * GPUs (negative: all; 0: the CPU); its notes go to {@code notes} as "note: ..." lines.
     */
    public Selection choose(int maxGpus, PrintStream notes) {
        Engines.Choice choice = Engines.choose(engine, maxGpus);
        choice.notes().forEach(n -> notes.println("note: " + n));
        return new Selection(choice.engine(), choice.devices());
    }

    /** The engine asked for (MXNet when none), loaded and made DJL's default; for work on the CPU. */
    public Engine select() {
        return Engines.select(engine);
    }
}
