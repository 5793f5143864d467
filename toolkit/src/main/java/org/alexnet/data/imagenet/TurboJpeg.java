package org.alexnet.data.imagenet;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.alexnet.data.transform.Images;

/**
 * libjpeg-turbo's Java binding (Debian's {@code libturbojpeg-java}), loaded at run time when it is
 * installed: it is not on Maven Central, so it cannot be a build dependency.
 *
 * <p>The binding loads its JNI library with {@code System.loadLibrary("turbojpeg")}, which needs the
 * development symlink {@code libturbojpeg.so}; Debian's runtime package only has {@code
 * libturbojpeg.so.0}. The binding's classes therefore come from a class loader of our own that
 * answers that lookup with whichever of the two is on {@code java.library.path} (a JNI library
 * belongs to the class loader that loaded it, so it must be loaded from there).
 */
final class TurboJpeg {

    /** Where Debian installs the binding; the system property {@code alexnet.turbojpeg.jar} overrides it. */
    static final String DEFAULT_JAR = "/usr/share/java/turbojpeg.jar";

    /** The largest output buffer a thread keeps between images (a 1280 x 1024 photo). */
    private static final int KEPT_BUFFER = 3 * 1280 * 1024;

    private static final TurboJpeg INSTANCE;
    private static final String STATUS;

    static {
        TurboJpeg loaded = null;
        String status;
        try {
            loaded = new TurboJpeg();
            status = "libjpeg-turbo (" + loaded.jar + ", " + loaded.library + ")";
        } catch (Unavailable e) {
            status = e.getMessage();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // An unexpected binding (another version, a broken install): ImageIO does the work.
            status = "ImageIO (libjpeg-turbo did not load: " + e + ")";
        }
        INSTANCE = loaded;
        STATUS = status;
    }

    private final Path jar;
    private final Path library;
    private final MethodHandle create;
    private final MethodHandle setSource;
    private final MethodHandle width;
    private final MethodHandle height;
    private final MethodHandle colorspace;
    private final MethodHandle scaledWidth;
    private final MethodHandle scaledHeight;
    private final MethodHandle decompress;
    private final int pixelFormatBgr;
    private final int flags;
    private final int csRgb;
    private final int csYCbCr;
    private final int csGray;
    /** A decompressor is not thread-safe; each loader thread keeps one. */
    private final ThreadLocal<Object> decompressors;
    /**
     * Each thread's output buffer for {@link #decodeTransient}: a fresh photo-sized array is a G1
     * humongous allocation, zeroed on every image (keeping one measured about 3 % faster).
     */
    private final ThreadLocal<byte[]> buffers = new ThreadLocal<>();

    private TurboJpeg() throws Unavailable, ReflectiveOperationException {
        jar = Path.of(System.getProperty("alexnet.turbojpeg.jar", DEFAULT_JAR));
        if (!Files.isRegularFile(jar)) {
            throw new Unavailable("ImageIO (libjpeg-turbo's Java binding " + jar
                    + " is not installed; apt-get install libturbojpeg-java)");
        }
        library = findLibrary();
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new Unavailable("ImageIO (bad path " + jar + ")");
        }
        // Parent: the platform loader, so the binding's classes always come from this jar.
        ClassLoader loader = new URLClassLoader("turbojpeg", new URL[] {url}, ClassLoader.getPlatformClassLoader()) {
            @Override
            protected String findLibrary(String name) {
                return "turbojpeg".equals(name) ? library.toString() : null;
            }
        };
        Class<?> tj = Class.forName("org.libjpegturbo.turbojpeg.TJ", true, loader);
        Class<?> decompressor = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodType objectInt = MethodType.methodType(int.class, Object.class);
        create = lookup.findConstructor(decompressor, MethodType.methodType(void.class))
                .asType(MethodType.methodType(Object.class));
        setSource = lookup.findVirtual(
                        decompressor, "setSourceImage", MethodType.methodType(void.class, byte[].class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
        width = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class))
                .asType(objectInt);
        height = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class))
                .asType(objectInt);
        colorspace = lookup.findVirtual(decompressor, "getColorspace", MethodType.methodType(int.class))
                .asType(objectInt);
        MethodType scaled = MethodType.methodType(int.class, int.class, int.class);
        scaledWidth = lookup.findVirtual(decompressor, "getScaledWidth", scaled)
                .asType(MethodType.methodType(int.class, Object.class, int.class, int.class));
        scaledHeight = lookup.findVirtual(decompressor, "getScaledHeight", scaled)
                .asType(MethodType.methodType(int.class, Object.class, int.class, int.class));
        // decompress(dst, x, y, desiredWidth, pitch, desiredHeight, pixelFormat, flags)
        decompress = lookup.findVirtual(
                        decompressor,
                        "decompress",
                        MethodType.methodType(
                                void.class,
                                byte[].class,
                                int.class,
                                int.class,
                                int.class,
                                int.class,
                                int.class,
                                int.class,
                                int.class))
                .asType(MethodType.methodType(
                        void.class,
                        Object.class,
                        byte[].class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class));
        pixelFormatBgr = tj.getField("PF_BGR").getInt(null);
        // Stop at the first warning: such files go to ImageIO, which reports them as damaged.
        flags = tj.getField("FLAG_STOPONWARNING").getInt(null);
        csRgb = tj.getField("CS_RGB").getInt(null);
        csYCbCr = tj.getField("CS_YCbCr").getInt(null);
        csGray = tj.getField("CS_GRAY").getInt(null);
        try {
            create.invoke(); // loads the JNI library: fail here, not on the first image
        } catch (Throwable e) {
            throw new Unavailable("ImageIO (libjpeg-turbo did not start: " + e + ")");
        }
        decompressors = ThreadLocal.withInitial(() -> {
            try {
                return create.invoke();
            } catch (Throwable e) {
                throw new IllegalStateException("libjpeg-turbo failed to start", e);
            }
        });
    }

    /** libturbojpeg.so(.0) in a folder of java.library.path (on Debian it holds /usr/lib/&lt;arch&gt;). */
    private static Path findLibrary() throws Unavailable {
        String override = System.getProperty("alexnet.turbojpeg.lib");
        if (override != null) {
            return Path.of(override);
        }
        for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
            for (String name : new String[] {"libturbojpeg.so", "libturbojpeg.so.0"}) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new Unavailable("ImageIO (libturbojpeg.so.0 is not on java.library.path)");
    }

    /** The loaded binding, or null when it is not installed or did not load. */
    static TurboJpeg get() {
        return INSTANCE;
    }

    /** Which decoder {@link #get()} stands for, or why it is missing. */
    static String status() {
        return STATUS;
    }

    /**
     * Decodes a JPEG to packed BGR, or returns null when libjpeg-turbo declines: a colour space other
     * than YCbCr, RGB or grey (CMYK, YCCK), or any error or warning. The caller then decodes with
     * ImageIO, which either reads the file or reports it as damaged. With {@code shorter > 0} an image that {@link Images#resizeShorterSide}
     * would halve for that shorter side comes out of the DCT at half size (further halvings are
     * left to the resize).
     */
    ImageDecoder.Pixels decode(byte[] jpeg, int shorter) {
        return decode(jpeg, shorter, false);
    }

    /**
     * {@link #decode}, into a buffer the calling thread reuses: the pixels are valid until its next
     * call, and the array may be longer than them.
     */
    ImageDecoder.Pixels decodeTransient(byte[] jpeg, int shorter) {
        return decode(jpeg, shorter, true);
    }

    private ImageDecoder.Pixels decode(byte[] jpeg, int shorter, boolean reuse) {
        Object d = decompressors.get();
        try {
            setSource.invokeExact(d, jpeg, jpeg.length);
            int cs = (int) colorspace.invokeExact(d);
            if (cs != csYCbCr && cs != csGray && cs != csRgb) {
                return null;
            }
            int w = (int) width.invokeExact(d);
            int h = (int) height.invokeExact(d);
            // One halving at most: on large photos a 1/4-size decode was 5.2 grey levels from 2 x 2
            // averaging twice, a 1/2-size decode then averaging 0.4 (docs/benchmarks.md).
            int k = shorter > 0 ? Math.min(Images.halvings(h, w, shorter), 1) : 0;
            int wantW = (w + (1 << k) - 1) >> k;
            int wantH = (h + (1 << k) - 1) >> k;
            int outW = (int) scaledWidth.invokeExact(d, wantW, wantH);
            int outH = (int) scaledHeight.invokeExact(d, wantW, wantH);
            int bytes = 3 * outW * outH;
            byte[] bgr = reuse ? buffers.get() : null;
            if (bgr == null || bgr.length < bytes) {
                bgr = new byte[bytes];
                if (reuse && bytes <= KEPT_BUFFER) { // a rare giant is not kept
                    buffers.set(bgr);
                }
            }
            decompress.invokeExact(d, bgr, 0, 0, wantW, 0, wantH, pixelFormatBgr, flags);
            return new ImageDecoder.Pixels(outW, outH, bgr, w, h);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // TJException (corrupt data, a warning) or a header it does not parse.
            return null;
        }
    }

    /** Why the binding is not used, as the status line. */
    private static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
