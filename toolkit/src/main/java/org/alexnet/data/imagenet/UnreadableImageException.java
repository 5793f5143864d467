package org.alexnet.data.imagenet;

import java.io.IOException;

/** An image file that cannot be decoded (corrupt, truncated, empty or not an image). */
public final class UnreadableImageException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnreadableImageException(String message) {
        super(message);
    }
}
