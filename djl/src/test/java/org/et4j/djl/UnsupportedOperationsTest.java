package org.et4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What et4j does not compute is refused with an UnsupportedOperationException naming the method.
 */
class UnsupportedOperationsTest {
  private final NDManager manager = Engine.getEngine("et4j").newBaseManager();

  @Test
  void commonCallsNameTheMethod() {
    NDArray a = manager.create(new float[] {1, 2});
    assertThatThrownBy(a::sin)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDArray.sin()");
    assertThatThrownBy(() -> a.gather(a, 0))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDArray.gather(NDArray, int)");
    assertThatThrownBy(() -> a.reshape(1, 2).get(":, 0"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDArray.get(NDIndex)");
    assertThatThrownBy(() -> Activation.sigmoid(a))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDArrayEx.sigmoid()");
    assertThatThrownBy(() -> manager.randomUniform(0, 1, new Shape(2), DataType.FLOAT32))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDManager.randomUniform(float, float, Shape, DataType)");
    assertThatThrownBy(() -> manager.arange(3))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("NDManager.arange");
  }

  /** Every refusal, called through the public NDArray type, names its own method. */
  @Test
  void everyRefusedNDArrayMethodNamesItself() throws Exception {
    NDArray a = manager.create(new float[] {1, 2});
    List<String> checked = new ArrayList<>();
    for (Method m : UnsupportedNDArrayOperations.class.getDeclaredMethods()) {
      // javac gives the public Et4jNDArray a bridge for each public method of its package-private
      // superclass; a method Et4jNDArray really overrides is not a bridge.
      Method seen = Et4jNDArray.class.getMethod(m.getName(), m.getParameterTypes());
      if (!Modifier.isPublic(m.getModifiers())
          || (seen.getDeclaringClass() == Et4jNDArray.class && !seen.isBridge())) {
        continue;
      }
      assertRefusesNamingItself(m, a, "NDArray." + m.getName() + "(");
      checked.add(m.getName());
    }
    assertThat(checked).hasSizeGreaterThan(100).contains("gather", "sin", "matMul", "topK");
  }

  @Test
  void everyRefusedInternalMethodNamesItself() throws Exception {
    Et4jNDArrayEx ex = (Et4jNDArrayEx) manager.create(new float[] {1, 2}).getNDArrayInternal();
    int checked = 0;
    for (Method m : Et4jNDArrayEx.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers())
          || List.of("stack", "concat", "getArray").contains(m.getName())) {
        continue;
      }
      assertRefusesNamingItself(
          m, ex, m.getName().equals("getIndexer") ? "NDIndex" : "NDArrayEx." + m.getName() + "(");
      checked++;
    }
    assertThat(checked).isGreaterThan(40);
  }

  private static void assertRefusesNamingItself(Method m, Object target, String expectedName)
      throws Exception {
    Object[] args = new Object[m.getParameterCount()];
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      args[i] = defaultValue(types[i]);
    }
    try {
      m.invoke(target, args);
      throw new AssertionError(m + " did not throw");
    } catch (InvocationTargetException e) {
      assertThat(e.getCause()).as(m.toString()).isInstanceOf(UnsupportedOperationException.class);
      assertThat(e.getCause().getMessage()).as(m.toString()).contains(expectedName);
    }
  }

  private static Object defaultValue(Class<?> type) {
    if (!type.isPrimitive()) {
      return type.isArray()
          ? java.lang.reflect.Array.newInstance(type.getComponentType(), 0)
          : null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == float.class) {
      return 0f;
    }
    if (type == double.class) {
      return 0d;
    }
    if (type == long.class) {
      return 0L;
    }
    return 0;
  }
}
