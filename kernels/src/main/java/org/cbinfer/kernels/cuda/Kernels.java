package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.backend.Precision;

/**
 * The entry points of the project's CUDA module ({@code kernels/src/main/cuda}), each with the record of its
 * parameters. A record's components carry the CUDA parameters' names, in their order, with their Java types:
 * device pointers and graph conditional handles as {@code long}, {@code int}, {@code long} and {@code float} as
 * they are. {@link Launcher} passes a record's components as the launch's arguments, and KernelSignaturesTest
 * checks every record against the CUDA source, so a launch cannot get an argument's order or type wrong.
 */
final class Kernels {
    private Kernels() {}

    /**
     * An entry point; a typed one has an {@code _f32} and an {@code _f16} entry, one per storage type, of the same
     * parameters.
     */
    record Kernel<P extends Record>(String name, boolean typed, Class<P> parameters) {
        /** The entry's name for values stored in the precision's element type. */
        String entry(Precision precision) {
            if (!typed) return name;
            return name + (precision == Precision.FP16 ? "_f16" : "_f32");
        }
    }

    private static <P extends Record> Kernel<P> typed(String name, Class<P> parameters) {
        return new Kernel<>(name, true, parameters);
    }

    private static <P extends Record> Kernel<P> plain(String name, Class<P> parameters) {
        return new Kernel<>(name, false, parameters);
    }

    // ---- io.cuh -------------------------------------------------------------------------------------------------

    record LoadInput(long staged, long values, long masks, long keyframes, long cameraCounts, long nonFinite,
                     int channels, int plane) {}

    record LoadRgb8(long staged, long lut, long values, long masks, long keyframes, long cameraCounts, int plane) {}

    record StoreOutput(long values, long staged, int channels, int plane) {}

    record ToHalf(long input, long output, long count) {}

    static final Kernel<LoadInput> LOAD_INPUT = typed("load_input", LoadInput.class);
    static final Kernel<LoadRgb8> LOAD_RGB8 = typed("load_rgb8", LoadRgb8.class);
    static final Kernel<StoreOutput> STORE_OUTPUT = typed("store_output", StoreOutput.class);
    static final Kernel<ToHalf> TO_HALF = plain("to_half_f32", ToHalf.class);

    // ---- detect.cuh ---------------------------------------------------------------------------------------------

    record DetectCommit(long inputs, long committed, long inputMasks, long detected, long keyframes,
                        long cameraCounts, int channels, int plane, float threshold, int recursive) {}

    record DiffCopy(long fresh, long values, long masks, long keyframes, long cameraCounts, int channels, int plane) {}

    static final Kernel<DetectCommit> DETECT_COMMIT = typed("detect_commit", DetectCommit.class);
    static final Kernel<DetectCommit> DETECT_COMMIT_WIDE = typed("detect_commit_wide", DetectCommit.class);
    static final Kernel<DiffCopy> DIFF_COPY = typed("diff_copy", DiffCopy.class);

    // ---- dilate.cuh ---------------------------------------------------------------------------------------------

    record DilateCompact(long inputMasks, long outputMasks, long keyframes, long rowTaps, int tapsY,
                         long columnTaps, int tapsX, int inWidth, int outHeight, int outWidth, long list,
                         long listCount, long cameraCounts) {}

    record FillMask(long masks, int plane, long cameraCounts) {}

    record MaskUnion(long mask0, int plane0, long mask1, int plane1, long mask2, int plane2, long mask3, int plane3,
                     int inputs, int accumulate, long output, int plane, long cameraCounts) {}

    static final Kernel<DilateCompact> DILATE_COMPACT = plain("dilate_compact_u8", DilateCompact.class);
    static final Kernel<FillMask> FILL_MASK = plain("fill_mask_u8", FillMask.class);
    static final Kernel<MaskUnion> MASK_UNION = plain("mask_union_u8", MaskUnion.class);

    // ---- conv.cuh -----------------------------------------------------------------------------------------------

    record GatherRows(long inputs, long gathered, long list, long listCount, int fixedCount, long chunkCounter,
                      int chunkBase, int chunkRows, int outPlane, long rowTaps, long columnTaps, int kernelH,
                      int kernelW, int inWidth, int outWidth, int inChannels, int groups, int groupLength,
                      int pieceBytes, long bucketRows, int buckets, long bucketSwitch) {}

    record ScatterRows(long products, long outputs, long bias, long list, long listCount, int fixedCount,
                       long chunkCounter, int chunkBase, int chunkRows, int outPlane, int outChannels, int groupOut,
                       int groupStride, int productStride, int activation, float alpha, float beta, long moreChunks) {}

    /** conv_small and conv_depthwise: direct convolutions at the listed positions. */
    record DirectConv(long inputs, long outputs, long weights, long bias, long list, long listCount, int fixedCount,
                      int outPlane, long rowTaps, long columnTaps, int kernelH, int kernelW, int inWidth, int outWidth,
                      int inChannels, int outChannels, int activation, float alpha, float beta) {}

    record NextChunk(long chunkCounter) {}

    static final Kernel<GatherRows> GATHER_ROWS = typed("gather_rows_by", GatherRows.class);
    static final Kernel<ScatterRows> SCATTER_ROWS = typed("scatter_rows", ScatterRows.class);
    static final Kernel<DirectConv> CONV_SMALL = typed("conv_small", DirectConv.class);
    static final Kernel<DirectConv> CONV_DEPTHWISE = typed("conv_depthwise", DirectConv.class);
    static final Kernel<NextChunk> NEXT_CHUNK = plain("next_chunk", NextChunk.class);

    // ---- window.cuh ---------------------------------------------------------------------------------------------

    record Pool(long inputs, long outputs, long list, long listCount, int fixedCount, int outPlane, long rowTaps,
                int tapsY, long columnTaps, int tapsX, int inWidth, int outWidth, int channels, int isMax,
                long rowDivisors, long columnDivisors) {}

    record Resize(long inputs, long outputs, long list, long listCount, int fixedCount, int outPlane, long rowTaps,
                  int tapsY, long columnTaps, int tapsX, int inWidth, int outWidth, int channels, long rowWeights,
                  long columnWeights) {}

    record GlobalAveragePool(long inputs, long outputs, int channels, int plane) {}

    static final Kernel<Pool> POOL = typed("pool", Pool.class);
    static final Kernel<Resize> RESIZE = typed("resize", Resize.class);
    static final Kernel<GlobalAveragePool> GLOBAL_AVERAGE_POOL = typed("global_average_pool", GlobalAveragePool.class);

    // ---- elementwise.cuh ----------------------------------------------------------------------------------------

    record Unary(long inputs, long outputs, long count, int activation, float alpha, float beta) {}

    record Binary(long left, long leftPeriod, long right, long rightPeriod, long outputs, long count, int op) {}

    record ConcatChannels(long inputs, long outputs, int plane, int inChannels, int outChannels, int offset) {}

    record BiasActivate(long values, long count, int channels, long bias, int activation, float alpha, float beta) {}

    static final Kernel<Unary> UNARY = typed("unary", Unary.class);
    static final Kernel<Binary> BINARY = typed("binary", Binary.class);
    static final Kernel<ConcatChannels> CONCAT_CHANNELS = typed("concat_channels", ConcatChannels.class);
    static final Kernel<BiasActivate> BIAS_ACTIVATE = typed("bias_activate", BiasActivate.class);

    // ---- post.cuh -----------------------------------------------------------------------------------------------

    /** {@code cut}: {@link org.cbinfer.kernels.post.LabelRule#cut()}, for one-channel outputs. */
    record LabelOutput(long values, long labels, int channels, int plane, float cut) {}

    static final Kernel<LabelOutput> LABEL_OUTPUT = typed("label_output", LabelOutput.class);

    /** Every entry point, for the signature check. */
    static final Kernel<?>[] ALL = {LOAD_INPUT, LOAD_RGB8, STORE_OUTPUT, TO_HALF, DETECT_COMMIT, DETECT_COMMIT_WIDE,
            DIFF_COPY, DILATE_COMPACT, FILL_MASK, MASK_UNION, GATHER_ROWS, SCATTER_ROWS, CONV_SMALL, CONV_DEPTHWISE,
            NEXT_CHUNK, POOL, RESIZE, GLOBAL_AVERAGE_POOL, UNARY, BINARY, CONCAT_CHANNELS, BIAS_ACTIVATE, LABEL_OUTPUT};
}
