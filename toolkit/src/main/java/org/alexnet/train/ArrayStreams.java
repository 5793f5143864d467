package org.alexnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes and reads arrays for checkpoints through a {@value #CHUNK_BYTES}-byte copy buffer.
 *
 * <p>DJL's own encoding ({@code NDArray.encode}, used by {@code Block.saveParameters}) builds a Java
 * byte array of the whole tensor and copies it again on the way out: for AlexNet's 16.8 M-weight fc7
 * that is several 67 MB arrays at once, which decided the size of a notebook kernel's heap. Here the
 * data passes through off-heap buffers, and the Java heap holds one megabyte of it at a time.
 *
 * <p>Layout of one array: data type name, byte order ('&lt;' or '&gt;'), rank, the dimensions, then the
 * elements in row-major order.
 */
final class ArrayStreams {
    private static final int CHUNK_BYTES = 1 << 20;

    /** The start of an array record: element type and shape. */
    private record Header(DataType type, Shape shape) {}

    private ArrayStreams() {}

    static void write(DataOutputStream out, NDArray array) throws IOException {
        DataType type = array.getDataType();
        Shape shape = array.getShape();
        out.writeUTF(type.name());
        out.writeByte(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? '<' : '>');
        out.writeInt(shape.dimension());
        for (long d : shape.getShape()) {
            out.writeLong(d);
        }
        if (shape.size() == 0) {
            return;
        }
        // One host copy of the whole array, off the Java heap (MXNet always copies; PyTorch hands out
        // a view of a CPU tensor). Slicing first would be no smaller on MXNet, whose slices of arrays
        // in oneDNN's blocked layout can crash the process.
        ByteBuffer data = array.toByteBuffer(true);
        try {
            if (data.order() != ByteOrder.nativeOrder()) {
                throw new IllegalStateException(
                        "engine returned a " + data.order() + " buffer on a " + ByteOrder.nativeOrder() + " machine");
            }
            byte[] copy = new byte[Math.min(data.remaining(), CHUNK_BYTES)];
            while (data.hasRemaining()) {
                int n = Math.min(copy.length, data.remaining());
                data.get(copy, 0, n);
                out.write(copy, 0, n);
            }
        } finally {
            release(data);
        }
    }

    /**
     * Frees a direct buffer now rather than at some later garbage collection, so that saving every
     * parameter does not hold a second copy of the model in native memory. Buffers without a cleaner
     * of their own (views of engine memory) are left alone.
     */
    private static void release(ByteBuffer buffer) {
        if (!buffer.isDirect() || UNSAFE == null) {
            return;
        }
        try {
            UNSAFE.invokeCleaner(buffer);
        } catch (IllegalArgumentException notOwned) {
            // a slice or duplicate: its owner frees it
        }
    }

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // buffers are then freed by the garbage collector
        }
    }

    /** The data type and shape at the start of an array record, after checking its byte order. */
    private static Header readHeader(DataInputStream in) throws IOException {
        String typeName = in.readUTF();
        DataType type;
        try {
            type = DataType.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint holds an array of unknown type " + typeName
                    + ": it is damaged or from another program");
        }
        byte order = in.readByte();
        char expected = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? '<' : '>';
        if (order != expected) {
            throw new CheckpointException(
                    "checkpoint was written on a machine of the other byte order; convert it there (e.g. export the weights) or retrain here");
        }
        int rank = in.readInt();
        if (rank < 0 || rank > 16) {
            throw new CheckpointException("checkpoint holds an array of rank " + rank + ": it is damaged");
        }
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readLong();
        }
        return new Header(type, new Shape(dims));
    }

    /** Reads the elements of an array record into a new off-heap buffer in native order. */
    private static ByteBuffer readData(DataInputStream in, Header header) throws IOException {
        long bytes = header.shape().size() * header.type().getNumOfBytes();
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new CheckpointException("checkpoint holds an array of " + bytes + " bytes: it is damaged");
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        byte[] copy = new byte[(int) Math.min(bytes, CHUNK_BYTES)];
        while (data.hasRemaining()) {
            int n = Math.min(copy.length, data.remaining());
            in.readFully(copy, 0, n);
            data.put(copy, 0, n);
        }
        data.flip();
        return data;
    }

    /**
     * Reads one array into {@code target}, which must have the same type and shape.
     *
     * @param what the name of the array, for the error message
     */
    static void readInto(DataInputStream in, NDArray target, String what) throws IOException {
        Header header = readHeader(in);
        if (!header.shape().equals(target.getShape()) || header.type() != target.getDataType()) {
            throw new CheckpointException(
                    "checkpoint does not fit this model: " + what + " is " + header.shape() + " " + header.type()
                            + " in the file but " + target.getShape() + " " + target.getDataType()
                            + " in the model; use the same model options as the run that wrote it");
        }
        if (header.shape().size() > 0) {
            target.set(readData(in, header));
        }
    }

    /** Reads one array as a new array of {@code manager}. */
    static NDArray read(DataInputStream in, NDManager manager) throws IOException {
        Header header = readHeader(in);
        if (header.shape().size() == 0) {
            return manager.create(header.shape(), header.type());
        }
        return manager.create(readData(in, header), header.shape(), header.type());
    }
}
