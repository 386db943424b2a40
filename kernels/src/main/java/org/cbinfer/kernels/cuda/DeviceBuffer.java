package org.cbinfer.kernels.cuda;

/**
 * A block of device memory from a {@link DeviceMemoryPool}: its device address, which kernels, copies and library
 * calls receive directly and pointer tables hold, and its size.
 */
record DeviceBuffer(long address, long bytes) {
    /** The device address {@code offset} bytes in. */
    long address(long offset) {
        if (offset < 0 || offset > bytes) throw new IndexOutOfBoundsException(offset + " outside " + bytes + " bytes");
        return address + offset;
    }
}
