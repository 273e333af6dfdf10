package dev.pitstop.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  @Test
  void countsLostDuplicatedAndUnexpectedDeliveriesById() {
    DeliveryLedger l = new DeliveryLedger();
    l.expect("a", "paused");
    l.expect("b", "finished");
    l.expect("c", "finished");
    l.expect("a", "paused");
    l.delivered("a");
    l.delivered("a");
    l.delivered("b");
    l.delivered("x");

    DeliveryLedger.Outcome o = l.outcome();

    assertThat(o.expected()).isEqualTo(3);
    assertThat(o.deliveries()).isEqualTo(4);
    assertThat(o.lost()).isEqualTo(1);
    assertThat(o.lostByType()).containsExactly(java.util.Map.entry("finished", 1));
    assertThat(o.someLost()).containsExactly("c");
    assertThat(o.duplicates()).isEqualTo(1);
    assertThat(o.unexpected()).isEqualTo(1);
  }

  @Test
  void aDeliveryBeforeItsExpectationIsNotLost() {
    DeliveryLedger l = new DeliveryLedger();
    l.delivered("a");
    l.expect("a", "paused");

    assertThat(l.outcome().lost()).isZero();
    assertThat(l.outcome().unexpected()).isZero();
  }
}
