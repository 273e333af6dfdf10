package dev.pitstop.notifier.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in log lines before they are shown in Slack: Tekton's own secret masking does not
 * apply to what Pitstop reads from a step's log. Pure. By pattern, so it is a safety net, not a
 * guarantee: tokens of known shapes (Slack, GitHub, GitLab, AWS access keys, JWTs, PEM private key
 * lines, {@code Authorization: Bearer/Basic}), URL user info, and the value of {@code key=value} or
 * {@code key: value} pairs whose key says password, secret, token, api key, credential or private
 * key. Each line is also bounded and stripped of control characters.
 */
public final class LogRedactor {
  /** What replaces a secret. */
  public static final String MASK = "***";

  /** The longest line kept, in characters. */
  public static final int MAX_LINE = 300;

  private static final List<Pattern> TOKENS =
      List.of(
          Pattern.compile("xox[abposr]-[A-Za-z0-9-]{10,}"),
          Pattern.compile("xapp-[A-Za-z0-9-]{10,}"),
          Pattern.compile("gh[pousr]_[A-Za-z0-9]{20,}"),
          Pattern.compile("github_pat_[A-Za-z0-9_]{20,}"),
          Pattern.compile("glpat-[A-Za-z0-9_-]{20,}"),
          Pattern.compile("(?:AKIA|ASIA)[A-Z0-9]{16}"),
          Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
          Pattern.compile("whsec_[A-Za-z0-9+/=]{10,}"),
          Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----.*"));

  private static final Pattern AUTH =
      Pattern.compile("(?i)\\b(authorization\\s*[:=]\\s*(?:bearer|basic|token)?\\s*)(\\S+)");
  private static final Pattern USERINFO = Pattern.compile("(://[^/\\s:@]+:)([^@\\s/]+)(@)");
  private static final Pattern PAIR =
      Pattern.compile(
          "(?i)((?:[A-Za-z0-9_.-]*)(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|access[_-]?key|credential|private[_-]?key)[A-Za-z0-9_.-]*[\"']?\\s*[:=]\\s*[\"']?)([^\\s\"',;&]+)");

  private LogRedactor() {}

  /** The line with secrets masked, bounded to {@value #MAX_LINE} characters. */
  public static String redact(String line) {
    if (line == null) {
      return "";
    }
    String s = line.replaceAll("\\p{Cntrl}", " ");
    for (Pattern p : TOKENS) {
      s = p.matcher(s).replaceAll(MASK);
    }
    s = replaceGroup(AUTH, s, 2);
    s = replaceGroup(USERINFO, s, 2);
    s = replaceGroup(PAIR, s, 2);
    return s.length() > MAX_LINE ? s.substring(0, MAX_LINE) + "…" : s;
  }

  /** Every line redacted. */
  public static List<String> redact(List<String> lines) {
    List<String> out = new ArrayList<>(lines.size());
    lines.forEach(l -> out.add(redact(l)));
    return out;
  }

  private static String replaceGroup(Pattern p, String s, int group) {
    Matcher m = p.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String whole = m.group();
      int start = m.start(group) - m.start();
      int end = m.end(group) - m.start();
      String replaced = whole.substring(0, start) + MASK + whole.substring(end);
      m.appendReplacement(b, Matcher.quoteReplacement(replaced));
    }
    m.appendTail(b);
    return b.toString();
  }
}
