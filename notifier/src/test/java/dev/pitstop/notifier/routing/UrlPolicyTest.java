package dev.pitstop.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlPolicyTest {
  private final UrlPolicy policy =
      new UrlPolicy(List.of("https://hooks.example.com/team-a/", "*.partner.example.org"), false);

  @Test
  void allowsUrlsUnderAPrefixOrOnAnAllowedHost() {
    assertThat(policy.checkUrl("https://hooks.example.com/team-a/x?token=1")).isEmpty();
    assertThat(policy.checkUrl("https://HOOKS.example.com:443/team-a/")).isEmpty();
    assertThat(policy.checkUrl("http://ci.partner.example.org/anything")).isEmpty();
  }

  @Test
  void refusesWhatIsNotOnTheAllowlistOrTriesToEscapeIt() {
    assertThat(policy.checkUrl("https://hooks.example.com/team-b/")).isPresent();
    assertThat(policy.checkUrl("https://hooks.example.com/team-a/../team-b/")).isPresent();
    assertThat(policy.checkUrl("http://hooks.example.com/team-a/")).isPresent();
    assertThat(policy.checkUrl("https://hooks.example.com:8443/team-a/")).isPresent();
    assertThat(policy.checkUrl("https://hooks.example.com.evil.com/team-a/")).isPresent();
    assertThat(policy.checkUrl("https://partner.example.org/")).isPresent();
    assertThat(policy.checkUrl("https://x@hooks.example.com/team-a/"))
        .get()
        .asString()
        .contains("user info");
    assertThat(policy.checkUrl("file:///etc/passwd")).isPresent();
    assertThat(policy.checkUrl("not a url")).isPresent();
    assertThat(policy.checkUrl("https://" + "a".repeat(3000) + ".com/")).isPresent();
    assertThat(UrlPolicy.DENY_ALL.checkUrl("https://hooks.example.com/team-a/")).isPresent();
  }

  @Test
  void refusesClusterInternalNamesUnlessPrivateIsAllowed() {
    UrlPolicy internal = new UrlPolicy(List.of("*.svc.cluster.local", "kubernetes"), false);
    assertThat(internal.checkUrl("http://api.default.svc.cluster.local/"))
        .get()
        .asString()
        .contains("cluster-internal");
    assertThat(internal.checkUrl("http://kubernetes/")).isPresent();
    UrlPolicy allowed = new UrlPolicy(List.of("*.svc.cluster.local"), true);
    assertThat(allowed.checkUrl("http://api.default.svc.cluster.local/")).isEmpty();
  }

  @Test
  void refusesLoopbackPrivateLinkLocalAndMetadataAddresses() throws Exception {
    for (String a :
        List.of(
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1")) {
      assertThat(policy.checkAddresses("h", List.of(InetAddress.getByName(a)))).as(a).isPresent();
    }
    assertThat(
            policy.checkAddresses(
                "h",
                List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1"))))
        .as("every address is checked")
        .isPresent();
    assertThat(policy.checkAddresses("h", List.of(InetAddress.getByName("93.184.216.34"))))
        .isEmpty();
    assertThat(policy.checkAddresses("h", List.of())).isPresent();
    assertThat(
            new UrlPolicy(List.of(), true)
                .checkAddresses("h", List.of(InetAddress.getByName("127.0.0.1"))))
        .isEmpty();
  }

  @Test
  void aBadAllowlistEntryIsRefusedAtConstruction() {
    assertThatThrownBy(() -> new UrlPolicy(List.of("ftp://x/"), false))
        .hasMessageContaining("ftp://x/");
    assertThatThrownBy(() -> new UrlPolicy(List.of("bad host!"), false))
        .hasMessageContaining("bad host!");
  }
}
