package org.alexnet.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.alexnet.files.AtomicFiles;

/**
 * One process's exclusive use of a run's output folder, for as long as the run lasts: an OS file lock
 * (released by the kernel even on {@code kill -9}) keeps two runs out of one folder, a new run never
 * replaces the results of an earlier one unless asked to, and temporary files left by writes that were
 * killed midway are removed.
 */
public final class RunFolder implements AutoCloseable {

    /** Lock file inside the folder; it stays behind (deleting it would race with the next locker). */
    public static final String LOCK = ".alexnet.lock";

    /** The files that make up a run's results. */
    public static final List<String> RESULTS =
            List.of(Checkpoint.LAST, Checkpoint.BEST, "history.csv", "evaluation.csv");

    /** What the run intends to do with results already in the folder. */
    public enum Mode {
        /** A new run: refuse a folder that holds results. */
        NEW,
        /** Continue the run in the folder. */
        RESUME,
        /** A new run that deletes the results already there. */
        OVERWRITE
    }

    /** Why a folder cannot be used; the message is one line that says what to do. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        /** What stands in the way. */
        public enum Reason {
            NOT_A_FOLDER,
            NOT_WRITABLE,
            IN_USE,
            HOLDS_A_RUN
        }

        private final Reason reason;

        RefusedException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason getReason() {
            return reason;
        }
    }

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<String> notes;
    private boolean created;

    private RunFolder(Path dir, FileChannel channel, FileLock lock, List<String> notes) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
        this.notes = notes;
    }

    /**
     * Creates the folder if needed, locks it and applies {@code mode}.
     *
     * @throws RefusedException when the folder is a file, cannot be written, is used by another run, or
     *     (mode NEW) holds results
     */
    public static RunFolder claim(Path dir, Mode mode) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RefusedException(
                    RefusedException.Reason.NOT_A_FOLDER, dir + " is a file, not a folder: choose another --output");
        }
        FileChannel channel;
        boolean created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(
                    dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new RefusedException(
                    RefusedException.Reason.NOT_A_FOLDER,
                    "cannot create " + dir + ": " + e.getFile() + " is a file; choose another --output");
        } catch (FileSystemException e) {
            throw new RefusedException(
                    RefusedException.Reason.NOT_WRITABLE,
                    "cannot write in " + dir + " (" + reason(e) + "): choose another --output");
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new RefusedException(
                    RefusedException.Reason.IN_USE,
                    dir + " is in use by another alexnet run" + holder
                            + ": wait for it to end, or choose another --output");
        }
        RunFolder folder = new RunFolder(dir, channel, lock, new ArrayList<>());
        folder.created = created;
        try {
            folder.writePid();
            List<Path> results = folder.results();
            if (mode == Mode.NEW && !results.isEmpty()) {
                throw new RefusedException(
                        RefusedException.Reason.HOLDS_A_RUN,
                        dir + " already holds a run ("
                                + describe(results) + "): continue it with --resume, replace it with --overwrite,"
                                + " or choose another --output");
            }
            if (mode == Mode.RESUME && !results.isEmpty() && !Files.exists(dir.resolve(Checkpoint.LAST))) {
                // Resuming would start afresh here and replace history.csv and best.ckpt.
                throw new RefusedException(
                        RefusedException.Reason.HOLDS_A_RUN,
                        dir + " holds a run ("
                                + describe(results) + ") but no " + Checkpoint.LAST + " to resume from: start it again"
                                + " with --overwrite, or choose another --output");
            }
            if (mode == Mode.OVERWRITE && !results.isEmpty()) {
                for (Path p : results) {
                    Files.delete(p);
                }
                folder.notes.add("--overwrite: deleted the earlier run's " + describe(results) + " in " + dir);
            }
            folder.removeLeftovers();
        } catch (IOException | RuntimeException e) {
            folder.close();
            throw e;
        }
        return folder;
    }

    public Path getDirectory() {
        return dir;
    }

    /** What was cleaned up or replaced, one line each (for the user). */
    public List<String> getNotes() {
        return List.copyOf(notes);
    }

    /** Whether {@code dir} holds any of a run's results. */
    public static boolean holdsRun(Path dir) {
        return RESULTS.stream().anyMatch(n -> Files.exists(dir.resolve(n)));
    }

    private List<Path> results() {
        return RESULTS.stream().map(dir::resolve).filter(Files::exists).toList();
    }

    private static String describe(List<Path> results) {
        List<String> parts = new ArrayList<>();
        for (Path p : results) {
            String name = p.getFileName().toString();
            if (name.equals(Checkpoint.LAST)) {
                try {
                    name += " after epoch " + Checkpoint.readState(p).epoch();
                } catch (IOException | RuntimeException e) {
                    // An unreadable checkpoint is still a result not to be replaced silently.
                }
            }
            parts.add(name);
        }
        return String.join(", ", parts);
    }

    /**
     * Temporary files of {@link AtomicFiles} whose writer was killed: no
     * other process writes here while the lock is held, so any that exist are leftovers.
     */
    private void removeLeftovers() throws IOException {
        long bytes = 0;
        int count = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (AtomicFiles.isLeftover(p)) {
                    bytes += Files.size(p);
                    Files.delete(p);
                    count++;
                }
            }
        }
        if (count > 0) {
            notes.add(String.format(
                    Locale.ROOT,
                    "removed %d temporary file%s (%.1f MB) left in %s by an interrupted write",
                    count,
                    count == 1 ? "" : "s",
                    bytes / 1e6,
                    dir));
        }
    }

    private void writePid() throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "" : " (process " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null
                ? e.getReason()
                : e instanceof AccessDeniedException
                        ? "permission denied"
                        : e.getClass().getSimpleName();
    }

    /** Releases the lock; a folder this claim created and no run wrote to is removed again. */
    @Override
    public void close() throws IOException {
        try {
            if (created && results().isEmpty()) {
                // Deleted while still locked, so no other run can be holding this lock file.
                Files.deleteIfExists(dir.resolve(LOCK));
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
