package dev.relaybox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void everyCharacterThatCouldEndTextOrAnAttributeIsEscaped() {
    assertThat(Html.escape("<script>alert('x')</script> & \"q\""))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    assertThat(Html.escape("a\u0000b\u001bc\nd")).isEqualTo("a\uFFFDb\uFFFDc\nd");
    assertThat(Html.escape(null)).isEmpty();
  }

  @Test
  void templateArgumentsAreEscapedUnlessTheyAreFragments() {
    Html cell =
        Html.f("<td title=\"%s\">%s</td>", "\"><img src=x onerror=1>", Html.f("<b>%s</b>", "<i>"));
    assertThat(cell.toString())
        .isEqualTo("<td title=\"&quot;&gt;&lt;img src=x onerror=1&gt;\"><b>&lt;i&gt;</b></td>");
    assertThat(Html.f("%s%% done", 50).toString()).isEqualTo("50% done");
    assertThat(Html.f("<p>%s</p>", (Object) null).toString()).isEqualTo("<p></p>");
  }

  @Test
  void theNumberOfArgumentsMustMatchTheTemplate() {
    assertThatThrownBy(() -> Html.f("<p>%s</p>")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Html.f("<p></p>", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void urlsEncodeTheirParametersAndStayEscapedInAttributes() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("q", "a&b=<c> d");
    params.put("empty", "");
    String url = Html.url("/trace", params);
    assertThat(url).isEqualTo("/trace?q=a%26b%3D%3Cc%3E+d");
    assertThat(Html.link(url, "x").toString())
        .isEqualTo("<a href=\"/trace?q=a%26b%3D%3Cc%3E+d\">x</a>");
    assertThat(Html.segment("a/b c")).isEqualTo("a%2Fb%20c");
  }
}
