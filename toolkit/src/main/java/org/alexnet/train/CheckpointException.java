package org.alexnet.train;

import java.io.IOException;

/** A checkpoint that is missing, truncated, damaged or does not fit the model; the message says what to do. */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
