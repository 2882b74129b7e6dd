package dev.inference.nemotron.pod.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantLimiterTest {

  @Test
  void refusesPastTheConcurrentLimitUntilOneEnds() {
    TenantLimiter limiter = new TenantLimiter();
    assertThat(limiter.tryAcquire("a", 2, null)).isNull();
    assertThat(limiter.tryAcquire("a", 2, null)).isNull();
    TenantLimiter.Refusal refusal = limiter.tryAcquire("a", 2, null);
    assertThat(refusal).isNotNull();
    assertThat(refusal.message()).contains("tenant 'a'").contains("maxConcurrentRequests 2");
    // Another tenant is not affected.
    assertThat(limiter.tryAcquire("b", 2, null)).isNull();
    limiter.release("a", null, 10);
    assertThat(limiter.tryAcquire("a", 2, null)).isNull();
  }

  @Test
  void aTenantThatUsedItsTokensPerMinuteWaitsTheDeficitOut() {
    TenantLimiter limiter = new TenantLimiter();
    assertThat(limiter.tryAcquire("a", null, 600)).isNull();
    // One request may overdraw: it is charged when it ends.
    limiter.release("a", 600, 1200);
    TenantLimiter.Refusal refusal = limiter.tryAcquire("a", null, 600);
    assertThat(refusal).isNotNull();
    assertThat(refusal.message()).contains("600 tokens per minute");
    // 600 tokens overdrawn at 600 per minute: about a minute to wait.
    assertThat(refusal.retryAfterSeconds()).isBetween(55, 61);
    assertThat(limiter.tryAcquire("b", null, 600)).isNull();
  }

  @Test
  void aReloadedSmallerShareCapsWhatIsLeftAndRefillsAtTheNewRate() {
    TenantLimiter limiter = new TenantLimiter();
    assertThat(limiter.tryAcquire("a", null, 1200)).isNull();
    limiter.release("a", 1200, 100);
    // the fleet grew from one replica to four: this server's share of 1200 is now 300, and the
    // 1100 tokens it had left are cut to that
    assertThat(limiter.tryAcquire("a", null, 300)).isNull();
    limiter.release("a", 300, 400);

    TenantLimiter.Refusal refusal = limiter.tryAcquire("a", null, 300);
    assertThat(refusal).isNotNull();
    assertThat(refusal.message()).contains("300 tokens per minute on this replica");
    // 100 tokens overdrawn at 300 a minute: about 20 s
    assertThat(refusal.retryAfterSeconds()).isBetween(19, 21);
  }
}
