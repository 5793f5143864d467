package org.alexnet.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every subcommand has: --help, its picocli spec and the streams it prints to. */
abstract class Subcommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help")
    boolean help;

    final PrintStream out;
    final PrintStream err;

    Subcommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }
}
