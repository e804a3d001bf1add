package org.et4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** DJL's own engine discovery finds et4j on the class path. */
class Et4jEngineTest {
  @Test
  void djlDiscoversEt4jByServiceLoader() {
    assertThat(Engine.getAllEngines()).contains("et4j");
    assertThat(Engine.hasEngine("et4j")).isTrue();
    Engine engine = Engine.getEngine("et4j");
    assertThat(engine).isInstanceOf(Et4jEngine.class);
    assertThat(engine.getEngineName()).isEqualTo("et4j");
    assertThat(engine.getVersion()).isNotBlank().doesNotContain("${");
    assertThat(engine.getAlternativeEngine()).isNull();
    assertThat(engine.defaultDevice()).isEqualTo(Device.cpu());
    // Besides DJL's own RPC engine (rank 15) the only engine here, so also the default (rank 10).
    assertThat(Engine.getInstance()).isSameAs(engine);
  }

  @Test
  void managersAndModelsBelongToEt4j() {
    Engine engine = Engine.getEngine("et4j");
    try (NDManager manager = NDManager.newBaseManager("et4j");
        Model model = Model.newInstance("digits", Device.cpu(), "et4j")) {
      assertThat(manager).isInstanceOf(Et4jNDManager.class);
      assertThat(manager.getEngine()).isSameAs(engine);
      assertThat(model).isInstanceOf(Et4jModel.class);
      assertThat(model.getNDManager().getEngine()).isSameAs(engine);
    }
    assertThatThrownBy(() -> engine.newBaseManager(Device.gpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CPU");
  }
}
