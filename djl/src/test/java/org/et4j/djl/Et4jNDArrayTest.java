package org.et4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What translators call on et4j's NDArrays, against values worked out by hand. */
class Et4jNDArrayTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = Engine.getEngine("et4j").newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray matrix() {
    return manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
  }

  @Test
  void createsFromJavaArraysAndBuffersInEt4jMemory() {
    NDArray f = matrix();
    assertThat(f).isInstanceOf(Et4jNDArray.class);
    assertThat(f.getShape()).isEqualTo(new Shape(2, 3));
    assertThat(f.getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(f.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(f.toArray()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
    assertThat(((Et4jNDArray) f).toTensor().toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);

    assertThat(manager.create(new int[] {7, -8}).toIntArray()).containsExactly(7, -8);
    assertThat(manager.create(new long[] {1L << 40}).toLongArray()).containsExactly(1L << 40);
    assertThat(manager.create(new double[] {0.25}).toDoubleArray()).containsExactly(0.25);
    assertThat(manager.create(new boolean[] {true, false}).toBooleanArray())
        .containsExactly(true, false);
    assertThat(manager.create(new byte[] {-3}).getDataType()).isEqualTo(DataType.INT8);

    FloatBuffer direct =
        ByteBuffer.allocateDirect(8)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer()
            .put(0, 1.5f)
            .put(1, -2f);
    assertThat(manager.create(direct, new Shape(2)).toFloatArray()).containsExactly(1.5f, -2f);
    ByteBuffer bytes =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(3f).putFloat(4f).flip();
    assertThat(manager.create(bytes, new Shape(1, 2), DataType.FLOAT32).toFloatArray())
        .containsExactly(3f, 4f);

    assertThat(manager.zeros(new Shape(2)).toFloatArray()).containsExactly(0, 0);
    assertThat(manager.ones(new Shape(2), DataType.INT32).toIntArray()).containsExactly(1, 1);
    assertThat(manager.full(new Shape(3), 2.5f).toFloatArray()).containsExactly(2.5f, 2.5f, 2.5f);
  }

  @Test
  void reshapeIsAViewThatInfersMinusOne() {
    NDArray a = matrix();
    NDArray r = a.reshape(3, -1);
    assertThat(r.getShape()).isEqualTo(new Shape(3, 2));
    assertThat(r.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    a.addi(1);
    assertThat(r.toFloatArray()).containsExactly(2, 3, 4, 5, 6, 7);
    assertThat(a.flatten().getShape()).isEqualTo(new Shape(6));
    assertThat(a.expandDims(0).getShape()).isEqualTo(new Shape(1, 2, 3));
    assertThat(a.expandDims(0).squeeze(0).getShape()).isEqualTo(new Shape(2, 3));
    assertThatThrownBy(() -> a.reshape(4, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(2, 3)");
  }

  @Test
  void softmaxOfOneTwoThree() {
    // e^1, e^2, e^3 over their sum 30.19287...
    NDArray p = manager.create(new float[] {1, 2, 3}).softmax(0);
    assertThat(p.toFloatArray())
        .containsExactly(new float[] {0.09003057f, 0.24472847f, 0.66524096f}, within(1e-6f));
    // rows: [0, 0] -> halves; [0, ln 3] -> 1/4, 3/4
    NDArray q =
        manager.create(new float[] {0, 0, 0, (float) Math.log(3)}, new Shape(2, 2)).softmax(-1);
    assertThat(q.toFloatArray())
        .containsExactly(new float[] {0.5f, 0.5f, 0.25f, 0.75f}, within(1e-6f));
    NDArray l = manager.create(new float[] {0, 0}).logSoftmax(0);
    assertThat(l.toFloatArray())
        .containsExactly(new float[] {(float) -Math.log(2), (float) -Math.log(2)}, within(1e-6f));
  }

  @Test
  void argMaxFlattenedAndAlongAnAxis() {
    NDArray a = manager.create(new float[] {1, 5, 2, 7, 0, 3}, new Shape(2, 3));
    NDArray flat = a.argMax();
    assertThat(flat.getShape()).isEqualTo(new Shape());
    assertThat(flat.getDataType()).isEqualTo(DataType.INT64);
    assertThat(flat.getLong()).isEqualTo(3);
    assertThat(a.argMax(1).toLongArray()).containsExactly(1, 0);
    assertThat(a.argMax(0).toLongArray()).containsExactly(1, 0, 1);
    assertThat(a.argMax(0).getShape()).isEqualTo(new Shape(3));
  }

  @Test
  void integerIndicesAreViews() {
    NDArray a = manager.create(new float[] {1, 5, 2, 7, 0, 3}, new Shape(2, 3));
    assertThat(a.get(1).toFloatArray()).containsExactly(7, 0, 3);
    assertThat(a.get(-1, 0).getFloat()).isEqualTo(7f);
    assertThat(a.getFloat(0, 1)).isEqualTo(5f);
    assertThatThrownBy(() -> a.get(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThat(a.get("1:").toFloatArray()).containsExactly(7, 0, 3);
    assertThat(a.get("0, 1:").toFloatArray()).containsExactly(5, 2);
    assertThat(a.get("0, -2:").getShape()).isEqualTo(new Shape(2));
    assertThat(a.get(":1, :").getShape()).isEqualTo(new Shape(1, 3));
    assertThat(a.get("1, :5").toFloatArray()).containsExactly(7, 0, 3);
    assertThat(a.toString()).contains("(2, 3)").contains("float32").contains("7.");
    assertThatThrownBy(() -> a.get("::2"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("step");
    assertThatThrownBy(() -> a.get(":, 1"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDArray.get(NDIndex)");
  }

  @Test
  void arithmeticWithArraysBroadcastAndScalars() {
    NDArray a = matrix();
    NDArray row = manager.create(new float[] {10, 20, 30});
    assertThat(a.add(row).toFloatArray()).containsExactly(11, 22, 33, 14, 25, 36);
    assertThat(a.sub(row).toFloatArray()).containsExactly(-9, -18, -27, -6, -15, -24);
    assertThat(a.mul(a).toFloatArray()).containsExactly(1, 4, 9, 16, 25, 36);
    assertThat(a.div(row).toFloatArray()).containsExactly(0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f);
    assertThat(a.add(1).toFloatArray()).containsExactly(2, 3, 4, 5, 6, 7);
    assertThat(a.sub(0.5).toFloatArray()).containsExactly(0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f);
    assertThat(a.mul(-2).toFloatArray()).containsExactly(-2, -4, -6, -8, -10, -12);
    assertThat(a.div(4).toFloatArray()).containsExactly(0.25f, 0.5f, 0.75f, 1f, 1.25f, 1.5f);
    assertThat(a.add(row).getShape()).isEqualTo(new Shape(2, 3));
    assertThat(a.neg().toFloatArray()).containsExactly(-1, -2, -3, -4, -5, -6);
    assertThat(manager.create(new float[] {0, 1}).exp().toFloatArray())
        .containsExactly(new float[] {1f, (float) Math.E}, within(1e-6f));
  }

  @Test
  void integerArithmeticPromotesAsPyTorchDoes() {
    NDArray ints = manager.create(new int[] {7, 8});
    NDArray plusOne = ints.add(1);
    assertThat(plusOne.getDataType()).isEqualTo(DataType.INT32);
    assertThat(plusOne.toIntArray()).containsExactly(8, 9);
    NDArray plusHalf = ints.add(1.5);
    assertThat(plusHalf.getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(plusHalf.toFloatArray()).containsExactly(8.5f, 9.5f);
    NDArray quotient = ints.div(manager.create(new int[] {2, 4}));
    assertThat(quotient.getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(quotient.toFloatArray()).containsExactly(3.5f, 2f);
    NDArray mixed = ints.add(manager.create(new float[] {0.5f, 0.25f}));
    assertThat(mixed.getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(mixed.toFloatArray()).containsExactly(7.5f, 8.25f);
    assertThat(manager.create(new long[] {5}).mul(manager.create(new int[] {3})).getDataType())
        .isEqualTo(DataType.INT64);
  }

  @Test
  void inPlaceArithmeticWritesTheSameArray() {
    NDArray a = matrix();
    assertThat(a.muli(2)).isSameAs(a);
    assertThat(a.toFloatArray()).containsExactly(2, 4, 6, 8, 10, 12);
    a.subi(manager.create(new float[] {1, 1, 1}));
    assertThat(a.toFloatArray()).containsExactly(1, 3, 5, 7, 9, 11);
    a.divi(2).addi(0.5);
    assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    NDArray ints = manager.create(new int[] {1, 2});
    assertThatThrownBy(() -> ints.divi(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("int32")
        .hasMessageContaining("float32");
    assertThatThrownBy(() -> manager.create(new float[] {1}).addi(a))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broadcast");
  }

  @Test
  void shapesThatDoNotBroadcastAreRefused() {
    assertThatThrownBy(() -> matrix().add(manager.create(new float[] {1, 2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(2, 3)")
        .hasMessageContaining("(2)");
  }

  @Test
  void transposeToTypeStackConcatAndSplit() {
    NDArray a = matrix();
    NDArray t = a.transpose();
    assertThat(t.getShape()).isEqualTo(new Shape(3, 2));
    assertThat(t.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(
            manager.create(new float[] {1.75f, -1.75f}).toType(DataType.INT32, false).toIntArray())
        .containsExactly(1, -1);
    assertThat(manager.create(new int[] {3}).toType(DataType.FLOAT64, false).toDoubleArray())
        .containsExactly(3.0);

    NDArray b = manager.create(new float[] {7, 8, 9});
    NDArray c = manager.create(new float[] {0, 1, 2});
    NDArray stacked = NDArrays.stack(new NDList(b, c));
    assertThat(stacked.getShape()).isEqualTo(new Shape(2, 3));
    assertThat(stacked.toFloatArray()).containsExactly(7, 8, 9, 0, 1, 2);
    assertThat(NDArrays.stack(new NDList(b, c), 1).toFloatArray())
        .containsExactly(7, 0, 8, 1, 9, 2);
    NDArray joined = NDArrays.concat(new NDList(a, a), 1);
    assertThat(joined.getShape()).isEqualTo(new Shape(2, 6));
    assertThat(joined.toFloatArray()).containsExactly(1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6);

    NDList rows = a.split(2);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).getShape()).isEqualTo(new Shape(1, 3));
    assertThat(rows.get(1).toFloatArray()).containsExactly(4, 5, 6);
    NDList columns = a.split(new long[] {1}, 1);
    assertThat(columns.get(0).toFloatArray()).containsExactly(1, 4);
    assertThat(columns.get(1).toFloatArray()).containsExactly(2, 3, 5, 6);
    assertThatThrownBy(() -> a.split(4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void setCopiesIntoTheArraysOwnMemory() {
    NDArray a = manager.create(new float[] {1, 2});
    NDArray view = a.reshape(2, 1);
    a.set(new float[] {5, 6});
    assertThat(view.toFloatArray()).containsExactly(5, 6);
    assertThat(a.duplicate().toFloatArray()).containsExactly(5, 6);
  }
}
