package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The shared body of the quantized embedding lookups, as ExecuTorch's {@code op_embedding.cpp}
 * (8-bit) and {@code embeddingxb.cpp} (2- and 4-bit): each looked-up row is dequantized as
 * {@code ((float) w - (float) zp) * (float) scale} with one scale (and optional zero point) per
 * row, or per group of columns when the scales are 2-d, into float32, float16 or bfloat16.
 *
 * <p>Packed weights are uint8 rows of {@code dim * nbit / 8} bytes; values are stored with an
 * implicit offset (2 for 2-bit, 8 for 4-bit). 4-bit: the even column is the high nibble. 2-bit:
 * column {@code 4k + s} is bits {@code 2s..2s+1} of byte {@code k}.
 *
 * <p>Unlike ExecuTorch, scales and zero points are read in their own dtype (ExecuTorch's
 * {@code .out} overloads read them as the out dtype), and 2/4-bit indices are bounds-checked.
 */
final class Embedding {
  private Embedding() {}

  /** Registers {@code name.out} and {@code name.dtype_out} for one bit width. */
  static void register(KernelRegistry.Builder r, String name, int nbit) {
    String out = name + ".out";
    String dtypeOut = name + ".dtype_out";
    r.register(out, args -> {
      KernelChecks.argSlots(out, args, 7);
      return bind(out, args, null, args[6].toTensor(), nbit);
    });
    r.register(dtypeOut, args -> {
      KernelChecks.argSlots(dtypeOut, args, 8);
      return bind(dtypeOut, args, Quant.optionalDtype(dtypeOut, args[6]), args[7].toTensor(), nbit);
    });
  }

  private static KernelCall bind(String op, Value[] args, ScalarType outDtype, TensorImpl out, int nbit) {
    TensorImpl weight = args[0].toTensor();
    TensorImpl scales = args[1].toTensor();
    TensorImpl zps = args[2].toOptionalTensor();
    long qmin = args[3].toInt();
    long qmax = args[4].toInt();
    TensorImpl indices = args[5].toTensor();

    // checks (check_embedding_byte_args / check_embedding_xbit_args)
    if (weight.dim() != 2) {
      throw KernelChecks.invalid(op, "weight must be 2-d but is " + weight.describe());
    }
    if (scales.dim() != 1 && scales.dim() != 2) {
      throw KernelChecks.invalid(op, "weight_scales must be 1-d or 2-d but is " + scales.describe());
    }
    int perByte = 8 / nbit;
    int dim = weight.size(1) * perByte;
    if (scales.size(0) != weight.size(0)) {
      throw KernelChecks.invalid(op, "weight_scales " + scales.describe() + " must have one row per weight row " + weight.describe());
    }
    int groups = scales.dim() == 2 ? scales.size(1) : 1;
    if (groups == 0 || dim % groups != 0) {
      throw KernelChecks.invalid(op, groups + " groups must divide the embedding dim " + dim);
    }
    ScalarType wt = weight.dtype();
    if (nbit == 8 ? (wt != ScalarType.BYTE && wt != ScalarType.CHAR) : wt != ScalarType.BYTE) {
      throw KernelChecks.invalid(op, "weight dtype " + wt.displayName() + " is not supported");
    }
    ScalarType ot = out.dtype();
    if (ot != ScalarType.FLOAT && ot != ScalarType.HALF && ot != ScalarType.BFLOAT16) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " must be float32, float16 or bfloat16");
    }
    ScalarType st = scales.dtype();
    if (st != ScalarType.FLOAT && st != ScalarType.HALF && st != ScalarType.BFLOAT16) {
      throw KernelChecks.invalid(op, "weight_scales " + scales.describe() + " must be float32, float16 or bfloat16");
    }
    if (zps != null && (zps.dim() != scales.dim() || zps.dtype() != ot || !zps.sameShape(scales))) {
      throw KernelChecks.invalid(op, "weight_zero_points " + zps.describe() + " must have the shape of the scales and the out dtype");
    }
    ScalarType xt = indices.dtype();
    if (xt != ScalarType.LONG && (nbit == 8 || xt != ScalarType.INT)) {
      throw KernelChecks.invalid(op, "indices dtype " + xt.displayName() + " is not supported");
    }
    if (qmin > qmax) {
      throw KernelChecks.invalid(op, "weight quant min " + qmin + " is greater than weight quant max " + qmax);
    }
    if (outDtype != null && outDtype != ot) {
      throw KernelChecks.invalid(op, "dtype " + outDtype.displayName() + " must match out " + out.describe());
    }
    if (out.dim() != indices.dim() + 1) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " must have one more dim than indices " + indices.describe());
    }
    Quant.requireContiguous(op, weight, scales, zps, indices, out);
    int groupSize = dim / groups;

    return ctx -> {
      int[] sizes = new int[indices.dim() + 1];
      for (int d = 0; d < indices.dim(); d++) {
        sizes[d] = indices.size(d);
      }
      sizes[indices.dim()] = dim;
      Quant.resize(op, out, sizes);
      MemorySegment w = weight.data();
      MemorySegment s = scales.data();
      MemorySegment z = zps == null ? null : zps.data();
      MemorySegment x = indices.data();
      MemorySegment y = out.data();
      long rows = weight.size(0);
      long rowBytes = weight.size(1);
      long o = 0;
      for (long i = 0; i < indices.numel(); i++) {
        long index = Elements.readLong(xt, x, i);
        if (index < 0 || index >= rows) {
          throw KernelChecks.invalid(op, "index " + index + " is out of bounds for weight " + weight.describe());
        }
        long q = index * groups;
        for (int j = 0; j < dim; j++) {
          int g = j / groupSize;
          float scale = (float) Elements.readDouble(st, s, q + g);
          float zp = z == null ? 0f : (float) Elements.readDouble(ot, z, q + g);
          int value = value(wt, w, index * rowBytes, j, nbit);
          Elements.writeDouble(ot, y, o++, ((float) value - zp) * scale);
        }
      }
    };
  }

  /** Column {@code j} of the weight row at byte offset {@code row}. */
  private static int value(ScalarType wt, MemorySegment w, long row, int j, int nbit) {
    return switch (nbit) {
      case 8 -> (int) Quant.read(wt, w, row + j);
      case 4 -> {
        int b = w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, row + (j >> 1)) & 0xFF;
        yield ((j & 1) != 0 ? b & 0x0F : b >> 4) - 8;
      }
      default -> {
        int b = w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, row + (j >> 2)) & 0xFF;
        yield ((b >> (2 * (j & 3))) & 3) - 2;
      }
    };
  }
}
