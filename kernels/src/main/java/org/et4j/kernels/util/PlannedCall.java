package org.et4j.kernels.util;

import java.util.Arrays;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * A kernel call that redoes its shape-dependent preparation only when what it depends on moved:
 * the identity and {@link TensorImpl#shapeVersion()} of its input tensors and the values of its
 * Int and int-list arguments (which may be SymInts computed by earlier instructions). This is
 * TFLite Micro's prepare/eval split for kernels whose output shape follows from their inputs.
 *
 * <p>{@link #plan()} resizes outputs and builds what {@link #run} needs; it runs on the first
 * execution and whenever a watched argument changed. Comparing the watched arguments allocates
 * nothing once their count is stable.
 */
public abstract class PlannedCall implements KernelCall {
  /** The call's argument slots. */
  protected final Value[] args;

  private final int[] watched;
  private long[] keys = new long[8];
  private Object[] refs = new Object[4];
  private int keyCount;
  private int refCount;
  private boolean planned;

  /**
   * @param args the call's argument slots
   * @param watched the indices of the arguments the plan depends on (inputs, never outputs)
   */
  protected PlannedCall(Value[] args, int... watched) {
    this.args = args;
    this.watched = watched.clone();
  }

  /** Resizes outputs and precomputes the copy plans for the current shapes and arguments. */
  protected abstract void plan();

  /** Computes, with data pointers read now (they may move between executions). */
  protected abstract void run(KernelContext context);

  @Override
  public final void execute(KernelContext context) {
    if (changed() || !planned) {
      planned = false;
      plan();
      planned = true;
    }
    run(context);
  }

  private boolean changed() {
    int k = 0;
    int r = 0;
    boolean diff = false;
    for (int index : watched) {
      Value v = args[index];
      // Tag first, so that a None turning into an Int is seen.
      long tag = v.tag().ordinal();
      diff |= putKey(k++, tag);
      switch (v.tag()) {
        case INT -> diff |= putKey(k++, v.toInt());
        case DOUBLE -> diff |= putKey(k++, Double.doubleToRawLongBits(v.toDouble()));
        case BOOL -> diff |= putKey(k++, v.toBool() ? 1 : 0);
        case TENSOR -> {
          TensorImpl t = v.toTensor();
          diff |= putRef(r++, t);
          diff |= putKey(k++, t.shapeVersion());
        }
        case INT_LIST -> {
          Value[] items = v.intListItems();
          diff |= putKey(k++, items.length);
          for (Value item : items) {
            diff |= putKey(k++, item.isInt() ? item.toInt() : Long.MIN_VALUE);
          }
        }
        case TENSOR_LIST, OPTIONAL_TENSOR_LIST -> {
          Value[] items = v.tensorListSlots();
          diff |= putKey(k++, items.length);
          for (Value item : items) {
            TensorImpl t = item == null || item.isNone() ? null : item.toTensor();
            diff |= putRef(r++, t);
            diff |= putKey(k++, t == null ? -1 : t.shapeVersion());
          }
        }
        default -> {}
      }
    }
    diff |= k != keyCount || r != refCount;
    keyCount = k;
    refCount = r;
    return diff;
  }

  private boolean putKey(int i, long value) {
    if (i >= keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    if (i < keyCount && keys[i] == value) {
      return false;
    }
    keys[i] = value;
    return true;
  }

  private boolean putRef(int i, Object value) {
    if (i >= refs.length) {
      refs = Arrays.copyOf(refs, refs.length * 2);
    }
    if (i < refCount && refs[i] == value) {
      return false;
    }
    refs[i] = value;
    return true;
  }
}
