package dev.relaybox.devstack.peers;

import static dev.relaybox.devstack.peers.PeerClient.get;
import static dev.relaybox.devstack.peers.PeerClient.getUnchecked;
import static dev.relaybox.devstack.peers.PeerClient.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.peers.PaymentGatewayServer.Charge;
import dev.relaybox.devstack.peers.PaymentGatewayServer.Refund;
import dev.relaybox.devstack.peers.PeerClient.Reply;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PaymentGatewayServerIT {
  private static PaymentGatewayServer gateway;

  @BeforeAll
  static void start() {
    gateway = PaymentGatewayServer.start(0);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @AfterEach
  void clearFault() {
    gateway.clearFault();
  }

  @Test
  void sameKeyTwiceChargesOnceAndReplays() throws IOException {
    String orderId = unique("order");
    String key = unique("key");

    Reply first = charge(key, orderId, 1250, "cust-1");
    Reply second = charge(key, orderId, 1250, "cust-1");

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.text("status")).isEqualTo("captured");
    assertThat(first.body().path("amountMinor").asLong()).isEqualTo(1250);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.text("id")).isEqualTo(first.text("id"));
    assertThat(chargesOf(orderId))
        .singleElement()
        .satisfies(
            charge -> {
              assertThat(charge.captured()).isTrue();
              assertThat(charge.idempotencyKey()).isEqualTo(key);
            });
  }

  @Test
  void concurrentRequestsWithOneKeyChargeOnce() throws Exception {
    String orderId = unique("order");
    String key = unique("key");
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        replies.add(clients.submit(() -> charge(key, orderId, 4200, "cust-12")));
      }
      Set<String> ids = new HashSet<>();
      int created = 0;
      for (Future<Reply> reply : replies) {
        ids.add(reply.get(10, TimeUnit.SECONDS).text("id"));
        created += reply.get().status() == 201 ? 1 : 0;
      }

      assertThat(ids).hasSize(1);
      assertThat(created).isEqualTo(1);
      assertThat(chargesOf(orderId)).hasSize(1);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void clientCanAskWhatHappenedByOrderOrId() throws IOException {
    String orderId = unique("order");
    String id = charge(unique("key"), orderId, 500, "cust-2").text("id");

    Reply byOrder = get(gateway.url() + "/v1/charges?orderId=" + orderId);
    Reply byId = get(gateway.url() + "/v1/charges/" + id);
    Reply unknown = get(gateway.url() + "/v1/charges/ch_missing");
    Reply ledger = get(gateway.url() + "/_ledger");

    assertThat(byOrder.status()).isEqualTo(200);
    assertThat(byOrder.body().path("data")).hasSize(1);
    assertThat(byOrder.body().path("data").get(0).path("id").asText()).isEqualTo(id);
    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.text("orderId")).isEqualTo(orderId);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text("error")).isEqualTo("no_such_charge");
    assertThat(ledger.body().path("charges").findValuesAsText("id")).contains(id);
  }

  @Test
  void keyReusedWithAnotherBodyIsRefusedWithoutEffect() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    charge(key, orderId, 1000, "cust-3");

    Reply reused = charge(key, orderId, 2000, "cust-3");

    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.text("error")).isEqualTo("idempotency_key_reused");
    assertThat(chargesOf(orderId)).hasSize(1);
  }

  @Test
  void missingKeyOrBadBodyIsA400WithoutEffect() throws IOException {
    String orderId = unique("order");

    Reply noKey = post(gateway.url() + "/v1/charges", null, chargeJson(orderId, 100, "cust-4"));
    Reply badAmount = charge(unique("key"), orderId, 0, "cust-4");

    assertThat(noKey.status()).isEqualTo(400);
    assertThat(noKey.text("message")).contains("Idempotency-Key");
    assertThat(badAmount.status()).isEqualTo(400);
    assertThat(badAmount.text("message")).contains("amountMinor");
    assertThat(chargesOf(orderId)).isEmpty();
  }

  @Test
  void declinedCardIsRecordedOnceAndReplayed() throws IOException {
    String orderId = unique("order");
    String key = unique("key");

    Reply declined = charge(key, orderId, 900, PaymentGatewayServer.DECLINED_PREFIX + "x");
    Reply again = charge(key, orderId, 900, PaymentGatewayServer.DECLINED_PREFIX + "x");

    assertThat(declined.status()).isEqualTo(402);
    assertThat(declined.text("status")).isEqualTo("declined");
    assertThat(declined.text("reason")).isEqualTo("card_declined");
    assertThat(again.status()).isEqualTo(402);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(chargesOf(orderId)).singleElement().extracting(Charge::status).isEqualTo("declined");
  }

  @Test
  void customersCanBeDeclinedOverHttp() throws IOException {
    String customer = unique("cust");
    Reply set =
        post(
            gateway.url() + "/_declined-customers",
            null,
            "{\"customerIds\":[\"" + customer + "\"]}");

    Reply declined = charge(unique("key"), unique("order"), 100, customer);

    assertThat(set.status()).isEqualTo(200);
    assertThat(declined.status()).isEqualTo(402);
  }

  @Test
  void refundsAreIdempotentAndCappedAtTheCharge() throws IOException {
    String chargeId = charge(unique("key"), unique("order"), 1000, "cust-5").text("id");
    String firstKey = unique("refund");

    Reply first = refund(firstKey, chargeId, 400);
    Reply replay = refund(firstKey, chargeId, 400);
    Reply tooMuch = refund(unique("refund"), chargeId, 700);
    Reply rest = refund(unique("refund"), chargeId, 600);
    Reply unknown = refund(unique("refund"), "ch_missing", 1);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.text("status")).isEqualTo("refunded");
    assertThat(first.text("chargeId")).isEqualTo(chargeId);
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.text("id")).isEqualTo(first.text("id"));
    assertThat(tooMuch.status()).isEqualTo(422);
    assertThat(tooMuch.text("error")).isEqualTo("refund_exceeds_charge");
    assertThat(rest.status()).isEqualTo(201);
    assertThat(unknown.status()).isEqualTo(404);
    List<Refund> refunds =
        gateway.refunds().stream().filter(r -> r.chargeId().equals(chargeId)).toList();
    assertThat(refunds).extracting(Refund::amountMinor).containsExactly(400L, 600L);
  }

  @Test
  void refundOfADeclinedChargeIsRefused() throws IOException {
    String chargeId =
        charge(unique("key"), unique("order"), 100, PaymentGatewayServer.DECLINED_PREFIX + "y")
            .text("id");

    Reply refund = refund(unique("refund"), chargeId, 100);

    assertThat(refund.status()).isEqualTo(422);
    assertThat(refund.text("error")).isEqualTo("charge_not_captured");
  }

  @Test
  void crashAppliesNoEffectAndLeavesTheKeyUsable() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    Reply set = post(gateway.url() + "/_faults", null, "{\"mode\":\"crash\"}");

    Reply crashed = charge(key, orderId, 300, "cust-6");
    Reply ledgerDuringCrash = get(gateway.url() + "/_ledger");

    assertThat(set.status()).isEqualTo(200);
    assertThat(get(gateway.url() + "/_faults").text("mode")).isEqualTo("crash");
    assertThat(crashed.status()).isEqualTo(500);
    assertThat(ledgerDuringCrash.status()).isEqualTo(200);
    assertThat(chargesOf(orderId)).isEmpty();

    post(gateway.url() + "/_faults", null, "{\"mode\":\"none\"}");
    Reply retried = charge(key, orderId, 300, "cust-6");

    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.header("Idempotent-Replayed")).isNull();
    assertThat(chargesOf(orderId)).hasSize(1);
  }

  @Test
  void slowResponseStillAppliesTheEffectAndTheRetryReplaysIt() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    post(gateway.url() + "/_faults", null, "{\"mode\":\"slow\",\"delayMs\":2000}");

    assertThatThrownBy(
            () ->
                post(
                    gateway.url() + "/v1/charges",
                    key,
                    chargeJson(orderId, 700, "cust-7"),
                    Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> chargesOf(orderId).size() == 1);

    gateway.clearFault();
    Reply retried = charge(key, orderId, 700, "cust-7");

    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retried.text("id")).isEqualTo(chargesOf(orderId).get(0).id());
    assertThat(chargesOf(orderId)).hasSize(1);
  }

  @Test
  void slowResponseArrivesAfterTheDelay() throws IOException {
    gateway.setFault(Fault.slow(Duration.ofMillis(400)));
    long started = System.nanoTime();

    Reply slow = charge(unique("key"), unique("order"), 100, "cust-8");

    assertThat(slow.status()).isEqualTo(201);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void throttleAnswers429WithRetryAfterAndNoEffect() throws IOException {
    String orderId = unique("order");
    post(gateway.url() + "/_faults", null, "{\"mode\":\"throttle\",\"retryAfterSeconds\":3}");

    Reply throttled = charge(unique("key"), orderId, 100, "cust-9");

    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.header("Retry-After")).isEqualTo("3");
    assertThat(chargesOf(orderId)).isEmpty();
  }

  @Test
  void faultWithDurationClearsItself() throws IOException {
    Reply set = post(gateway.url() + "/_faults", null, "{\"mode\":\"crash\",\"durationMs\":500}");
    Reply crashed = charge(unique("key"), unique("order"), 100, "cust-10");

    assertThat(set.body().path("remainingMs").asLong()).isPositive();
    assertThat(crashed.status()).isEqualTo(500);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> "none".equals(getUnchecked(gateway.url() + "/_faults").text("mode")));
    assertThat(gateway.fault().mode()).isEqualTo(Fault.Mode.NONE);
    assertThat(charge(unique("key"), unique("order"), 100, "cust-10").status()).isEqualTo(201);
  }

  @Test
  void failRateFaultsOnlySomeRequests() throws IOException {
    gateway.setFault(Fault.crash().withFailRate(0.5));
    String orderId = unique("order");
    int crashed = 0;
    int charged = 0;

    for (int i = 0; i < 40; i++) {
      int status = charge(unique("key"), orderId, 100, "cust-11").status();
      if (status == 500) {
        crashed++;
      } else if (status == 201) {
        charged++;
      }
    }

    assertThat(crashed).isPositive();
    assertThat(charged).isPositive();
    assertThat(crashed + charged).isEqualTo(40);
    assertThat(chargesOf(orderId)).hasSize(charged);
  }

  @Test
  void badFaultIsA400NamingTheProblem() throws IOException {
    Reply unknownMode = post(gateway.url() + "/_faults", null, "{\"mode\":\"explode\"}");
    Reply slowWithoutDelay = post(gateway.url() + "/_faults", null, "{\"mode\":\"slow\"}");

    assertThat(unknownMode.status()).isEqualTo(400);
    assertThat(unknownMode.text("message")).contains("explode");
    assertThat(slowWithoutDelay.status()).isEqualTo(400);
    assertThat(slowWithoutDelay.text("message")).contains("delay");
    assertThat(gateway.fault().mode()).isEqualTo(Fault.Mode.NONE);
  }

  private static Reply charge(String key, String orderId, long amountMinor, String customerId)
      throws IOException {
    return post(gateway.url() + "/v1/charges", key, chargeJson(orderId, amountMinor, customerId));
  }

  private static Reply refund(String key, String chargeId, long amountMinor) throws IOException {
    return post(
        gateway.url() + "/v1/refunds",
        key,
        "{\"chargeId\":\"" + chargeId + "\",\"amountMinor\":" + amountMinor + "}");
  }

  private static String chargeJson(String orderId, long amountMinor, String customerId) {
    return "{\"orderId\":\""
        + orderId
        + "\",\"amountMinor\":"
        + amountMinor
        + ",\"currency\":\"EUR\",\"customerId\":\""
        + customerId
        + "\"}";
  }

  private static List<Charge> chargesOf(String orderId) {
    return gateway.charges().stream().filter(c -> c.orderId().equals(orderId)).toList();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }
}
