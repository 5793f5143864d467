package org.alexnet;

import java.util.stream.Stream;

/** The DJL engines every engine-dependent test runs on; both are on the test classpath. */
public final class TestEngines {
    public static final String MXNET = "MXNet";
    public static final String PYTORCH = "PyTorch";

    private TestEngines() {}

    /** Source for {@code @MethodSource("org.alexnet.TestEngines#all")}. */
    public static Stream<String> all() {
        return Stream.of(MXNET, PYTORCH);
    }
}
