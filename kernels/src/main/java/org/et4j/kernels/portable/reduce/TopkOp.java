package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::topk.values(Tensor self, SymInt k, int dim=-1, bool largest=True, bool sorted=True,
 * *, Tensor(a!) values, Tensor(b!) indices)}, as ExecuTorch's {@code op_topk.cpp}: NaN ranks above
 * every number. Unlike ExecuTorch (whose {@code nth_element} leaves ties and, with
 * {@code sorted=false}, the order unspecified), the result is always sorted and equal values keep
 * their input order, so it is deterministic.
 */
public final class TopkOp {
  static final String NAME = "aten::topk.values";

  private TopkOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, TopkOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 7);
    TensorImpl in = args[0].toTensor();
    Value kArg = args[1];
    long dimArg = args[2].toInt();
    boolean largest = args[3].toBool();
    TensorImpl values = args[5].toTensor();
    TensorImpl indices = args[6].toTensor();

    // checks (check_topk_args)
    ScalarType t = in.dtype();
    if (t == ScalarType.BOOL || !Reduction.isRealHBBF16(t)) {
      throw KernelChecks.invalid(NAME, "input dtype " + t.displayName() + " is not supported");
    }
    if (values.dtype() != t) {
      throw KernelChecks.invalid(NAME, "values " + values.describe() + " must have the dtype of the input " + in.describe());
    }
    if (indices.dtype() != ScalarType.LONG) {
      throw KernelChecks.invalid(NAME, "indices " + indices.describe() + " must be int64");
    }
    int dim = Reduction.normalizeDim(NAME, in, dimArg);
    boolean[] mask = Reduction.singleDimMask(NAME, in, dimArg);
    Reduction.PlanCache inPlans = new Reduction.PlanCache(in, mask);
    Reduction.PlanCache valuePlans = new Reduction.PlanCache(values, mask);
    Reduction.PlanCache indexPlans = new Reduction.PlanCache(indices, mask);
    Scratch scratch = new Scratch();

    return ctx -> {
      long k = kArg.toInt();
      int dimSize = in.dim() == 0 ? 1 : in.size(dim);
      if (k < 0 || k > dimSize) {
        throw KernelChecks.invalid(NAME, "k = " + k + " is out of range for dim " + dim + " of size " + dimSize);
      }
      int[] sizes = in.sizes();
      if (in.dim() > 0) {
        sizes[dim] = (int) k;
      }
      Reduction.resize(NAME, values, sizes);
      Reduction.resize(NAME, indices, sizes);
      if (in.numel() == 0 || k == 0) {
        return;
      }
      Reduction.Plan ip = inPlans.get(null);
      Reduction.Plan vp = valuePlans.get(null);
      Reduction.Plan xp = indexPlans.get(null);
      MemorySegment src = in.data();
      int n = ip.offsets.length;
      scratch.ensure(n, t.isFloatingPoint());
      int[] order = scratch.order;
      int[] tmp = scratch.tmp;
      double[] dv = scratch.dv;
      long[] lv = scratch.lv;
      for (int o = 0; o < ip.bases.length; o++) {
        for (int j = 0; j < n; j++) {
          order[j] = j;
          if (dv != null) {
            dv[j] = Elements.readDouble(t, src, ip.bases[o] + ip.offsets[j]);
          } else {
            lv[j] = Elements.readLong(t, src, ip.bases[o] + ip.offsets[j]);
          }
        }
        mergeSort(order, tmp, 0, n, dv, lv, largest);
        for (int j = 0; j < k; j++) {
          int pick = order[j];
          if (dv != null) {
            Elements.writeDouble(t, values.data(), vp.bases[o] + vp.offsets[j], dv[pick]);
          } else {
            Elements.writeLong(t, values.data(), vp.bases[o] + vp.offsets[j], lv[pick]);
          }
          indices.data().setAtIndex(Elements.I64, xp.bases[o] + xp.offsets[j], pick);
        }
      }
    };
  }

  /** Per-call-site work arrays, grown when the reduced dim grows. */
  private static final class Scratch {
    int[] order = new int[0];
    int[] tmp = new int[0];
    double[] dv;
    long[] lv;

    void ensure(int n, boolean floating) {
      if (order.length < n) {
        order = new int[n];
        tmp = new int[n];
        dv = null;
        lv = null;
      }
      if (floating && dv == null) {
        dv = new double[order.length];
      } else if (!floating && lv == null) {
        lv = new long[order.length];
      }
      if (floating) {
        lv = null;
      } else {
        dv = null;
      }
    }
  }

  /** True when element a must come before element b (ties keep input order: stable sort). */
  private static boolean before(int a, int b, double[] dv, long[] lv, boolean largest) {
    if (dv != null) {
      double x = dv[a];
      double y = dv[b];
      return largest ? floatLess(y, x) : floatLess(x, y);
    }
    return largest ? lv[a] > lv[b] : lv[a] < lv[b];
  }

  /** ExecuTorch's {@code float_less_than}: NaN is above every number. */
  private static boolean floatLess(double x, double y) {
    return (!Double.isNaN(x) && Double.isNaN(y)) || x < y;
  }

  private static void mergeSort(int[] a, int[] tmp, int lo, int hi, double[] dv, long[] lv, boolean largest) {
    if (hi - lo < 2) {
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(a, tmp, lo, mid, dv, lv, largest);
    mergeSort(a, tmp, mid, hi, dv, lv, largest);
    int i = lo;
    int j = mid;
    int o = lo;
    while (i < mid && j < hi) {
      // take from the right only when it strictly comes first: stable
      tmp[o++] = before(a[j], a[i], dv, lv, largest) ? a[j++] : a[i++];
    }
    while (i < mid) {
      tmp[o++] = a[i++];
    }
    while (j < hi) {
      tmp[o++] = a[j++];
    }
    System.arraycopy(tmp, lo, a, lo, hi - lo);
  }
}
