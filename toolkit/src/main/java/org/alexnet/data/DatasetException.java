package org.alexnet.data;

import java.nio.file.Path;

/**
 * A dataset file is missing or unusable. The message is a single line that names the file, says
 * what is wrong with it and how to get a good copy.
 */
public class DatasetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the offending file (or directory)
     * @param message a one-line description including the fix
     */
    public DatasetException(Path file, String message) {
        this(file, message, null);
    }

    /**
     * @param file the offending file (or directory)
     * @param message a one-line description including the fix
     * @param cause the underlying I/O error, if any
     */
    public DatasetException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /**
     * @return the file (or directory) the problem was found in
     */
    public Path getFile() {
        return file;
    }
}
