package dev.inference.nemotron.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * lastTransitionTime tells when a state began: kept while the status holds, moved when it flips.
 */
class ConditionSetTest {

  private static final Instant FIRST = Instant.parse("2026-11-23T10:00:00.750Z");
  private static final Instant LATER = Instant.parse("2026-11-23T11:30:00Z");

  private static List<Condition> initial() {
    return new ConditionSet(null, 1, FIRST)
        .set("Ready", false, "ReplicasNotReady", "0 of 1")
        .toList();
  }

  @Test
  void firstSetStampsTheTimeToTheSecond() {
    Condition ready = initial().getFirst();
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(ready.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void unchangedStatusKeepsItsTransitionTimeEvenWhenReasonAndGenerationMove() {
    ConditionSet next =
        new ConditionSet(initial(), 2, LATER).set("Ready", false, "Creating", "other message");

    Condition ready = next.toList().getFirst();
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertThat(ready.getReason()).isEqualTo("Creating");
    assertThat(next.changed("Ready")).isTrue();
  }

  @Test
  void flippedStatusTakesTheNewTime() {
    ConditionSet next =
        new ConditionSet(initial(), 1, LATER).set("Ready", true, "ReplicasReady", "1 of 1");

    assertThat(next.toList().getFirst().getLastTransitionTime()).isEqualTo("2026-11-23T11:30:00Z");
    assertThat(next.changed("Ready")).isTrue();
  }

  @Test
  void identicalConditionIsNotAChange() {
    ConditionSet next =
        new ConditionSet(initial(), 1, LATER).set("Ready", false, "ReplicasNotReady", "0 of 1");

    assertThat(next.changed("Ready")).isFalse();
    assertThat(next.toList()).isEqualTo(initial());
  }

  @Test
  void keptConditionIsCopiedAndAnUnknownOneStaysAbsent() {
    ConditionSet next = new ConditionSet(initial(), 2, LATER).keep("Ready").keep("ModelCached");

    assertThat(next.toList()).isEqualTo(initial());
    assertThat(next.changed("ModelCached")).isFalse();
  }
}
