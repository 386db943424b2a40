package org.cbinfer.kernels.cuda;

import java.util.stream.IntStream;

/**
 * Bulk copies between Java arrays and pinned staging buffers, spread over the common fork-join pool in pieces
 * of about 1 MiB. A batch moves megabytes per camera through the host (frames in, outputs out), and one core
 * copies a few GB/s: measured on the GPU machine, this copying took 0.9 ms a camera at 1040x776, more than
 * the GPU's whole change-based frame.
 */
final class ParallelCopy {
    private static final int PIECE_BYTES = 1 << 20;

    /** Copies elements {@code [from, from + length)} of one camera's run. */
    interface Piece {
        void copy(int camera, int from, int length);
    }

    private ParallelCopy() {}

    /** Calls {@code piece} over every camera's {@code count} elements of {@code elementBytes} bytes, in pieces. */
    static void run(int cameras, int count, int elementBytes, Piece piece) {
        int per = Math.max(1, PIECE_BYTES / elementBytes);
        int piecesPerCamera = Math.max(1, (count + per - 1) / per);
        IntStream pieces = IntStream.range(0, cameras * piecesPerCamera);
        if ((long) cameras * count * elementBytes > 2L * PIECE_BYTES) pieces = pieces.parallel();
        pieces.forEach(k -> {
            int camera = k / piecesPerCamera, from = (k - camera * piecesPerCamera) * per;
            piece.copy(camera, from, Math.min(per, count - from));
        });
    }
}
