package org.cbinfer.connectors.typeinfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameProblem;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.frame.SourcePosition;

/**
 * Flink type information for the frame types, with compact hand-written serializers (no Kryo, no
 * reflection): use {@link #FRAME}, {@link #DEAD_LETTER} and {@link #INCOMING} in {@code .returns(...)},
 * {@code OutputTag}s and state descriptors. All three types are immutable, so copies are the same
 * instance.
 *
 * <p>Formats (big-endian, strings as Flink's {@code StringValue}): a frame is camera, sequence (8),
 * capture time (8), encoding (1: JPEG 0, PNG 1, RGB24 2, GRAY8 3), width (4), height (4), payload
 * (4 + n), source (1 flag, then topic, partition (4), offset (8)). A dead letter is flags for the
 * nullable fields, camera, key, value, header count and headers (name, value), source, timestamp (8),
 * problem name, detail. An {@link Incoming} is a tag (0 frame, 1 dead letter) and then one of those.
 * A format change gets a new snapshot version.
 */
@Internal
public final class FrameTypes {
    public static final TypeInformation<FrameRecord> FRAME = new Info<>(FrameRecord.class, FrameRecordSerializer.INSTANCE);
    public static final TypeInformation<DeadLetter> DEAD_LETTER = new Info<>(DeadLetter.class, DeadLetterSerializer.INSTANCE);
    public static final TypeInformation<Incoming> INCOMING = new Info<>(Incoming.class, IncomingSerializer.INSTANCE);

    private FrameTypes() {}

    /** Type information for one class with one stateless serializer. */
    static final class Info<T> extends TypeInformation<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private final TypeSerializer<T> serializer;

        Info(Class<T> type, TypeSerializer<T> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

        @Override public boolean isBasicType() { return false; }
        @Override public boolean isTupleType() { return false; }
        @Override public int getArity() { return 1; }
        @Override public int getTotalFields() { return 1; }
        @Override public Class<T> getTypeClass() { return type; }
        @Override public boolean isKeyType() { return false; }
        @Override public TypeSerializer<T> createSerializer(SerializerConfig config) { return serializer; }
        @Override public String toString() { return type.getSimpleName(); }
        @Override public boolean equals(Object o) { return o instanceof Info<?> i && i.type == type; }
        @Override public int hashCode() { return type.hashCode(); }
        @Override public boolean canEqual(Object o) { return o instanceof Info<?>; }
    }

    /** Base of the three serializers: immutable values, copy by reference. */
    abstract static class Immutable<T> extends TypeSerializerSingleton<T> {
        private static final long serialVersionUID = 1L;

        @Override public boolean isImmutableType() { return true; }
        @Override public T createInstance() { return null; }
        @Override public T copy(T from) { return from; }
        @Override public T copy(T from, T reuse) { return from; }
        @Override public int getLength() { return -1; }
        @Override public T deserialize(T reuse, DataInputView source) throws IOException { return deserialize(source); }
        @Override public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }
    }

    public static final class FrameRecordSerializer extends Immutable<FrameRecord> {
        private static final long serialVersionUID = 1L;
        public static final FrameRecordSerializer INSTANCE = new FrameRecordSerializer();
        private static final FrameEncoding[] ENCODINGS = {FrameEncoding.JPEG, FrameEncoding.PNG, FrameEncoding.RGB24, FrameEncoding.GRAY8};

        @Override
        public void serialize(FrameRecord f, DataOutputView out) throws IOException {
            StringValue.writeString(f.cameraId(), out);
            out.writeLong(f.sequence());
            out.writeLong(f.captureTimeMillis());
            out.writeByte(code(f.encoding()));
            out.writeInt(f.width());
            out.writeInt(f.height());
            writeBytes(f.payload(), out);
            writeSource(f.source(), out);
        }

        @Override
        public FrameRecord deserialize(DataInputView in) throws IOException {
            String camera = StringValue.readString(in);
            long seq = in.readLong();
            long time = in.readLong();
            int code = in.readUnsignedByte();
            if (code >= ENCODINGS.length) throw new IOException("unknown frame encoding code " + code);
            int w = in.readInt(), h = in.readInt();
            byte[] payload = readBytes(in);
            return new FrameRecord(camera, seq, time, ENCODINGS[code], w, h, payload, readSource(in));
        }

        private static int code(FrameEncoding e) {
            for (int i = 0; i < ENCODINGS.length; i++) if (ENCODINGS[i] == e) return i;
            throw new IllegalArgumentException(String.valueOf(e));
        }

        @Override
        public TypeSerializerSnapshot<FrameRecord> snapshotConfiguration() {
            return new Snapshot();
        }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<FrameRecord> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }
    }

    public static final class DeadLetterSerializer extends Immutable<DeadLetter> {
        private static final long serialVersionUID = 1L;
        public static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();

        @Override
        public void serialize(DeadLetter d, DataOutputView out) throws IOException {
            writeNullableString(d.cameraId(), out);
            writeNullableBytes(d.key(), out);
            writeNullableBytes(d.value(), out);
            out.writeInt(d.headers().size());
            for (DeadLetter.Header h : d.headers()) {
                StringValue.writeString(h.key(), out);
                writeNullableBytes(h.value(), out);
            }
            writeSource(d.source(), out);
            out.writeLong(d.timestamp());
            StringValue.writeString(d.problem().name(), out);
            StringValue.writeString(d.detail(), out);
        }

        @Override
        public DeadLetter deserialize(DataInputView in) throws IOException {
            String camera = readNullableString(in);
            byte[] key = readNullableBytes(in);
            byte[] value = readNullableBytes(in);
            int n = in.readInt();
            if (n < 0) throw new IOException("negative header count " + n);
            List<DeadLetter.Header> headers = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) headers.add(new DeadLetter.Header(StringValue.readString(in), readNullableBytes(in)));
            SourcePosition source = readSource(in);
            long ts = in.readLong();
            String problem = StringValue.readString(in);
            FrameProblem p;
            try {
                p = FrameProblem.valueOf(problem);
            } catch (IllegalArgumentException e) {
                p = FrameProblem.INTERNAL; // a code from a newer version
            }
            return new DeadLetter(camera, key, value, headers, source, ts, p, StringValue.readString(in));
        }

        @Override
        public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() {
            return new Snapshot();
        }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeadLetter> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }
    }

    public static final class IncomingSerializer extends Immutable<Incoming> {
        private static final long serialVersionUID = 1L;
        public static final IncomingSerializer INSTANCE = new IncomingSerializer();

        @Override
        public void serialize(Incoming i, DataOutputView out) throws IOException {
            Objects.requireNonNull(i, "Incoming");
            if (i instanceof FrameRecord f) {
                out.writeByte(0);
                FrameRecordSerializer.INSTANCE.serialize(f, out);
            } else {
                out.writeByte(1);
                DeadLetterSerializer.INSTANCE.serialize((DeadLetter) i, out);
            }
        }

        @Override
        public Incoming deserialize(DataInputView in) throws IOException {
            int tag = in.readUnsignedByte();
            return switch (tag) {
                case 0 -> FrameRecordSerializer.INSTANCE.deserialize(in);
                case 1 -> DeadLetterSerializer.INSTANCE.deserialize(in);
                default -> throw new IOException("unknown Incoming tag " + tag);
            };
        }

        @Override
        public TypeSerializerSnapshot<Incoming> snapshotConfiguration() {
            return new Snapshot();
        }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<Incoming> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("negative byte array length " + n);
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void writeNullableBytes(byte[] b, DataOutputView out) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            writeBytes(b, out);
        }
    }

    private static byte[] readNullableBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n == -1) return null;
        if (n < 0) throw new IOException("negative byte array length " + n);
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void writeNullableString(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) StringValue.writeString(s, out);
    }

    private static String readNullableString(DataInputView in) throws IOException {
        return in.readBoolean() ? StringValue.readString(in) : null;
    }

    private static void writeSource(SourcePosition s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            StringValue.writeString(s.topic(), out);
            out.writeInt(s.partition());
            out.writeLong(s.offset());
        }
    }

    private static SourcePosition readSource(DataInputView in) throws IOException {
        return in.readBoolean() ? new SourcePosition(StringValue.readString(in), in.readInt(), in.readLong()) : null;
    }
}
