package dev.pitstop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;

class ApiTokensTest {
  @Test
  void mapsTokensToUsersFromCommasOrLines() {
    ApiTokens t =
        ApiTokens.parse("alice=tok-a, bob=tok-b\n# comment\n\ncarol@example.com=tok-c", "K");
    assertThat(t.users()).containsExactly("alice", "bob", "carol@example.com");
    assertThat(t.userOf("tok-b")).contains("bob");
    assertThat(t.userOf("tok-c")).contains("carol@example.com");
    assertThat(t.userOf("tok-")).isEmpty();
    assertThat(t.userOf("")).isEmpty();
    assertThat(t.userOf(null)).isEmpty();
  }

  @Test
  void errorsNameTheKeyButNeverTheToken() {
    assertThatThrownBy(() -> ApiTokens.parse("alice=one,bob", "ENGINE_API_TOKENS"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_API_TOKENS")
        .hasMessageContaining("entry 2");
    assertThatThrownBy(() -> ApiTokens.parse("alice=super-secret,bob=super-secret", "K"))
        .hasMessageNotContaining("super-secret")
        .hasMessageContaining("shares a token");
    assertThatThrownBy(() -> ApiTokens.parse("alice=a1,alice=a2", "K"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> ApiTokens.parse("al ice=zzz-secret", "K"))
        .hasMessageNotContaining("zzz-secret");
  }

  @Test
  void toStringShowsUsersOnly() {
    assertThat(ApiTokens.parse("alice=hidden-value", "K").toString())
        .contains("alice")
        .doesNotContain("hidden-value");
  }
}
