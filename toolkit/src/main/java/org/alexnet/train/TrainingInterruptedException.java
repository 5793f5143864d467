package org.alexnet.train;

/**
 * Training stopped on request (e.g. Ctrl-C) after saving a checkpoint that resumes exactly where it
 * stopped. The message is one line that says where the checkpoint is and how to continue.
 */
public class TrainingInterruptedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingInterruptedException(String message) {
        super(message);
    }
}
