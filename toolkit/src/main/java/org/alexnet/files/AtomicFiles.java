package org.alexnet.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that a crash, a kill or a full disk never leaves a half-written file under the
 * final name: the content goes to a temporary file in the same folder, is flushed to disk, and is
 * then renamed over the target in one step. Temporary names start with a dot and end in
 * {@code .tmp} or {@code .link}, so a folder's owner can find those a killed writer left
 * ({@link #isLeftover}).
 *
 * <p>This package is the ground floor: it imports nothing from the rest of the project.
 */
public final class AtomicFiles {

    /** Writes the content produced by {@code writer}. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Temporary files are created owner-only; results should be readable like any other file. */
    private static void makeReadable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: keep its defaults.
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20)) {
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            makeReadable(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes {@code target} a copy of {@code source} atomically: a hard link where the file system
     * allows (no second write of a large file), a byte copy otherwise.
     */
    public static void copy(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".link");
        Files.deleteIfExists(tmp);
        try {
            Files.createLink(tmp, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether {@code file} is a temporary file of {@link #write} or {@link #copy} (left over if no writer runs). */
    public static boolean isLeftover(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && (name.endsWith(".tmp") || name.endsWith(".link")) && Files.isRegularFile(file);
    }
}
