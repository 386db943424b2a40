package org.cbinfer.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A block of device memory from a {@link DeviceMemoryPool}; {@code address} is its device address, which
 * kernels receive directly and pointer tables hold.
 */
record DeviceBuffer(CUdeviceptr ptr, long bytes, long address) {
    /** The driver handle of the address {@code offset} bytes in, for copies. */
    CUdeviceptr at(long offset) {
        if (offset < 0 || offset > bytes) throw new IndexOutOfBoundsException(offset + " outside " + bytes + " bytes");
        return ptr.withByteOffset(offset);
    }

    /** The device address {@code offset} bytes in. */
    long address(long offset) {
        if (offset < 0 || offset > bytes) throw new IndexOutOfBoundsException(offset + " outside " + bytes + " bytes");
        return address + offset;
    }
}
