package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.nn.ElementTypeMatmul.ReducedFloat;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * ExecuTorch's portable convolution loops ({@code conv2d_impl} in {@code op_convolution.cpp}) for
 * integers, float16 and bfloat16, with its arithmetic: the accumulator is the element type, so
 * integers wrap and float16 / bfloat16 round every product and every partial sum
 * ({@link ElementTypeMatmul}). A convolution adds the bias (converted to the element type) after
 * the sum over input channels and kernel taps; a transposed one starts each output from its bias
 * and adds the scattered products in ExecuTorch's order (input row, column, channel, kernel row,
 * column). Every tensor is indexed through its strides, as 4-D {@code [N, C, H, W]}.
 */
final class ElementTypeConvolution {
  private ElementTypeConvolution() {}

  /** Spatial parameters, height first (a 1-D convolution has height 1). */
  record Geometry(int sH, int sW, int pH, int pW, int dH, int dW) {}

  static void direct(
      TensorImpl in, TensorImpl weight, TensorImpl bias, TensorImpl out, long[] is, long[] ws, long[] os,
      Geometry g, int groups, boolean transposed, int n, int c, int h, int w, int kH, int kW, int oc, int oh,
      int ow) {
    ScalarType t = in.dtype();
    Accumulator acc = t.isIntegral() ? new IntegerAccumulator(t) : new ReducedAccumulator(ReducedFloat.of(t));
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    int cg = c / groups;
    int ocg = oc / groups;
    if (transposed) {
      for (int bi = 0; bi < n; bi++) {
        for (int o = 0; o < oc; o++) {
          for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
              long oi = bi * os[0] + o * os[1] + yy * os[2] + xx * os[3];
              if (bias == null) {
                acc.zero();
              } else {
                acc.loadBias(bias, o);
              }
              acc.store(y, oi);
            }
          }
        }
      }
    }
    for (int bi = 0; bi < n; bi++) {
      for (int gi = 0; gi < groups; gi++) {
        for (int o = gi * ocg; o < (gi + 1) * ocg; o++) {
          if (!transposed) {
            for (int yy = 0; yy < oh; yy++) {
              for (int xx = 0; xx < ow; xx++) {
                acc.zero();
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  for (int ky = 0; ky < kH; ky++) {
                    int iy = g.sH() * yy + g.dH() * ky - g.pH();
                    if (iy < 0 || iy >= h) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int ix = g.sW() * xx + g.dW() * kx - g.pW();
                      if (ix >= 0 && ix < w) {
                        acc.addProduct(
                            x, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3],
                            wt, o * ws[0] + (ci - gi * cg) * ws[1] + ky * ws[2] + kx * ws[3]);
                      }
                    }
                  }
                }
                if (bias != null) {
                  acc.addBias(bias, o);
                }
                acc.store(y, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3]);
              }
            }
          } else {
            int oInGroup = o - gi * ocg;
            for (int iy = 0; iy < h; iy++) {
              for (int ix = 0; ix < w; ix++) {
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  long xi = bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3];
                  for (int ky = 0; ky < kH; ky++) {
                    int yy = g.sH() * iy + g.dH() * ky - g.pH();
                    if (yy < 0 || yy >= oh) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int xx = g.sW() * ix + g.dW() * kx - g.pW();
                      if (xx >= 0 && xx < ow) {
                        long oi = bi * os[0] + o * os[1] + yy * os[2] + xx * os[3];
                        acc.load(y, oi);
                        acc.addProduct(x, xi, wt, ci * ws[0] + oInGroup * ws[1] + ky * ws[2] + kx * ws[3]);
                        acc.store(y, oi);
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** One accumulator in the element type. */
  private interface Accumulator {
    void zero();

    void load(MemorySegment s, long i);

    /** {@code acc += T(x[xi] * w[wi])}, rounded to the type. */
    void addProduct(MemorySegment x, long xi, MemorySegment w, long wi);

    /** The bias of channel {@code o}, converted to the element type, as the accumulator. */
    void loadBias(TensorImpl bias, int o);

    /** {@code acc += T(bias[o])}. */
    void addBias(TensorImpl bias, int o);

    void store(MemorySegment s, long i);
  }

  /** Integers: long arithmetic, narrowed (wrapped) when stored. */
  private static final class IntegerAccumulator implements Accumulator {
    private final ScalarType t;
    private long acc;

    IntegerAccumulator(ScalarType t) {
      this.t = t;
    }

    @Override
    public void zero() {
      acc = 0;
    }

    @Override
    public void load(MemorySegment s, long i) {
      acc = Elements.readLong(t, s, i);
    }

    @Override
    public void addProduct(MemorySegment x, long xi, MemorySegment w, long wi) {
      acc += Elements.readLong(t, x, xi) * Elements.readLong(t, w, wi);
    }

    private long bias(TensorImpl bias, int o) {
      ScalarType bt = bias.dtype();
      return bt.isFloatingPoint()
          ? ElementTypeMatmul.integerScalar(t, Elements.readDouble(bt, bias.data(), o))
          : Elements.readLong(bt, bias.data(), o);
    }

    @Override
    public void loadBias(TensorImpl bias, int o) {
      acc = bias(bias, o);
    }

    @Override
    public void addBias(TensorImpl bias, int o) {
      acc += bias(bias, o);
    }

    @Override
    public void store(MemorySegment s, long i) {
      Elements.writeLong(t, s, i, acc);
    }
  }

  /** float16 / bfloat16: a float that holds a value of the type, rounded after every step. */
  private static final class ReducedAccumulator implements Accumulator {
    private final ReducedFloat r;
    private float acc;

    ReducedAccumulator(ReducedFloat r) {
      this.r = r;
    }

    @Override
    public void zero() {
      acc = 0;
    }

    @Override
    public void load(MemorySegment s, long i) {
      acc = r.read(s, i);
    }

    @Override
    public void addProduct(MemorySegment x, long xi, MemorySegment w, long wi) {
      acc = r.round(acc + r.round(r.read(x, xi) * r.read(w, wi)));
    }

    private float bias(TensorImpl bias, int o) {
      return r.round((float) Elements.readDouble(bias.dtype(), bias.data(), o));
    }

    @Override
    public void loadBias(TensorImpl bias, int o) {
      acc = bias(bias, o);
    }

    @Override
    public void addBias(TensorImpl bias, int o) {
      acc = r.round(acc + bias(bias, o));
    }

    @Override
    public void store(MemorySegment s, long i) {
      r.write(s, i, acc);
    }
  }
}
