package org.alexnet.cli;

import ai.djl.TrainingDivergedException;
import ai.djl.engine.EngineException;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.alexnet.data.DatasetException;
import org.alexnet.train.StopSignal;
import org.alexnet.train.TrainingInterruptedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code alexnet} command: train, evaluate and summarise the networks of this project. Each
 * subcommand is a class whose picocli declarations are its flags, their help and their checks.
 */
@Command(
        name = "alexnet",
        sortOptions = false,
        description = "AlexNet (and LeNet-5) on Fashion-MNIST and ImageNet: the commands below",
        footer = {
            "run 'alexnet <command> --help' for the flags of a command (defaults shown are read from the presets)",
            "exit codes: 0 done, 1 failed, 2 usage, 130 interrupted"
        })
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help")
    boolean help;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        fromMain = true;
        int code;
        try {
            code = new Main(System.out, System.err).run(args);
        } finally {
            COMMAND_DONE.countDown(); // also when an Error escapes: the shutdown hook must not wait for it
        }
        if (!INTERRUPTED.get()) {
            System.exit(code);
        }
        // After Ctrl-C the JVM is already shutting down (System.exit would wait forever): return
        // and let it finish with the signal's status.
    }

    /** Set when the JVM began shutting down while a command ran (Ctrl-C, kill). */
    private static final AtomicBoolean INTERRUPTED = new AtomicBoolean();
    /** Released when the command started by {@link #main} has returned and printed its last line. */
    private static final CountDownLatch COMMAND_DONE = new CountDownLatch(1);

    private static volatile boolean fromMain;

    /**
     * Ctrl-C for a training started from the command line: it stops the training after the current
     * batch with a checkpoint, and the JVM waits until the command has printed its last line. Outside
     * training nothing waits, so the process ends at once. Closing removes both shutdown hooks.
     */
    static final class CtrlC implements AutoCloseable {
        final StopSignal signal = StopSignal.onInterrupt(600);
        private final Thread hook;

        CtrlC(PrintStream err) {
            hook = new Thread(
                    () -> {
                        INTERRUPTED.set(true);
                        if (!signal.isRunning()) {
                            err.println("alexnet: interrupted while no training was running: nothing to save");
                        } else if (fromMain) {
                            try {
                                COMMAND_DONE.await(600, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    },
                    "alexnet-wait-for-command");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            signal.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown has begun: the hook is running.
            }
        }
    }

    /** The command tree, printing to this command's streams. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        for (Subcommand c : List.of(
                new TrainCommand(out, err),
                new EvaluateCommand(out, err),
                new SummaryCommand(out, err),
                new SampleCommand(out, err),
                new DoctorCommand(out, err),
                new PredictCommand(out, err),
                new ExportCommand(out, err),
                new ImportTorchvisionCommand(out, err),
                new ExperimentCommand(out, err),
                new Figure1Command(out, err))) {
            cl.addSubcommand(c);
        }
        cl.addSubcommand(new HelpCommand());
        // Settings below apply to the subcommands added above.
        cl.registerConverter(Integer.class, Values::wholeNumber);
        cl.registerConverter(Integer.TYPE, Values::wholeNumber);
        cl.registerConverter(Long.class, Values::longNumber);
        cl.registerConverter(Long.TYPE, Values::longNumber);
        cl.registerConverter(Float.class, Values::number);
        cl.registerConverter(Float.TYPE, Values::number);
        cl.setResourceBundle(new HelpDefaults());
        cl.setOverwrittenOptionsAllowed(true); // the last of a repeated flag counts
        cl.setExpandAtFiles(false); // "@file" is a path, not an argument file
        cl.setUsageHelpWidth(110);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    /** Without a command: the list of commands, and a usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 2;
    }

    /** Runs a command and returns the process exit code: 0 ok, 1 failure, 2 usage error, 130 interrupted. */
    int run(String[] args) {
        CommandLine cl = commandLine();
        try {
            ParseResult parsed;
            try {
                parsed = cl.parseArgs(args);
                if (CommandLine.printHelpIfRequested(parsed)) {
                    return 0;
                }
            } catch (ParameterException e) {
                err.println("alexnet: " + usageError(e));
                return 2;
            }
            while (parsed.subcommand() != null) {
                parsed = parsed.subcommand();
            }
            return ((Callable<?>) parsed.commandSpec().userObject()).call() instanceof Integer code ? code : 0;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("alexnet: " + e.getMessage());
            return 2;
        } catch (TrainingInterruptedException e) {
            err.println("alexnet: " + e.getMessage());
            return 130;
        } catch (EngineException e) {
            String message = oneLine(e.getMessage());
            err.println("alexnet: " + message
                    + (message.toLowerCase(Locale.ROOT).contains("out of memory")
                            ? ": lower --batch or --resolution, or use fewer/larger devices"
                            : ""));
            return 1;
        } catch (DatasetException | TrainingDivergedException e) {
            err.println("alexnet: " + e.getMessage());
            return 1;
        } catch (FileSystemException e) {
            // Its message is often only the path: say what went wrong with it.
            String reason = e.getReason() != null
                    ? e.getReason()
                    : e instanceof NoSuchFileException
                            ? "no such file or folder"
                            : e instanceof AccessDeniedException
                                    ? "permission denied"
                                    : e instanceof FileAlreadyExistsException
                                            ? "already exists as a file"
                                            : e.getClass().getSimpleName();
            err.println("alexnet: cannot use " + e.getFile() + ": " + reason
                    + (e.getOtherFile() != null ? " (" + e.getOtherFile() + ")" : ""));
            return 1;
        } catch (IOException e) {
            err.println("alexnet: " + oneLine(e.getMessage()));
            return 1;
        } catch (TranslateException e) {
            err.println("alexnet: could not read a batch: " + e.getMessage());
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("alexnet: out of memory: lower --batch or --resolution, or give Java more heap (-Xmx)");
            return 1;
        } catch (LinkageError e) {
            // A native library that failed to load surfaces as an Error from inside DJL.
            if (System.getenv("ALEXNET_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.println("alexnet: an engine's native library is missing or broken (" + e.getMessage()
                    + "); run 'alexnet doctor' (set ALEXNET_DEBUG=1 for the stack trace)");
            return 1;
        } catch (Exception e) {
            // Not an expected situation: keep it to one line unless asked for the details.
            if (System.getenv("ALEXNET_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.println("alexnet: unexpected error: " + e + " (set ALEXNET_DEBUG=1 for the stack trace)");
            return 1;
        }
    }

    /** One line for a command-line mistake: what was wrong, and where to look (with picocli's suggestions for typos). */
    static String usageError(ParameterException e) {
        CommandLine cl = e.getCommandLine();
        String command = cl.getCommandSpec().qualifiedName(" ").replaceFirst("^alexnet ?", "");
        String see = " (see: alexnet " + (command.isEmpty() ? "" : command + " ") + "--help)";
        if (e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            List<String> suggestions = u.getSuggestions();
            String hint = suggestions.isEmpty() ? "" : ": did you mean " + String.join(" or ", suggestions) + "?";
            if (command.isEmpty() && !arg.startsWith("-")) {
                return "unknown command '" + arg + "': use "
                        + String.join(", ", cl.getSubcommands().keySet()) + hint;
            }
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                return "unknown flag " + (eq < 0 ? arg : arg.substring(0, eq)) + " for "
                        + (command.isEmpty() ? "alexnet" : command) + hint + see;
            }
            return "unexpected argument '" + arg + "' for " + command + see;
        }
        ArgSpec arg = e.getArgSpec();
        String flag = arg instanceof OptionSpec o ? o.longestName() : null;
        if (e instanceof CommandLine.MissingParameterException m
                && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec o) {
            return e.getMessage().startsWith("Missing required option")
                    ? command + " needs " + o.longestName() + " " + o.paramLabel()
                    : o.longestName() + " needs a value";
        }
        if (e instanceof CommandLine.MissingParameterException m
                && !m.getMissing().isEmpty()) {
            return command + " needs " + m.getMissing().get(0).paramLabel() + see;
        }
        if (arg instanceof OptionSpec o && o.arity().min() == 0 && !o.usageHelp()) {
            return flag + " takes no value";
        }
        Throwable cause = e.getCause();
        if (cause instanceof CommandLine.TypeConversionException && cause.getMessage() != null) {
            return cause.getMessage().startsWith("must ") && flag != null
                    ? flag + " " + cause.getMessage()
                    : cause.getMessage();
        }
        String message = e.getMessage().replaceFirst("\\.$", "");
        return Character.toLowerCase(message.charAt(0)) + message.substring(1) + see;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        // MXNet appends its native back trace to error messages: not for users.
        int trace = message.indexOf("Stack trace:");
        return (trace < 0 ? message : message.substring(0, trace)).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** ", top-5 0.1234", or nothing when top-5 means nothing (5 classes or fewer). */
    static String top5(double value, String separator) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%stop-5 %.4f", separator, value);
    }
}
