using System.Text;

namespace SmtpFixture.Checks;

/// <summary>
/// One rule a client broke: which rule, how serious it is, where it is written, and where in the session or message it
/// happened, with the offending line. Recorded on <see cref="SmtpAttempt.Violations"/>,
/// <see cref="ReceivedMessage.Violations"/> and <see cref="SmtpTestServer.Violations"/>.
/// </summary>
public sealed class SmtpViolation
{
    private const int ExcerptLength = 100;

    internal SmtpViolation(SmtpRule rule, SmtpStage stage, string location, string? excerpt, string sessionId, string? messageId, string? detail = null)
    {
        RuleInfo = rule;
        Stage = stage;
        Location = location;
        Excerpt = excerpt is null ? null : Shorten(excerpt);
        SessionId = sessionId;
        MessageId = messageId;
        Detail = detail ?? rule.Description;
    }

    /// <summary>The rule id, one of <see cref="SmtpRules"/> (e.g. <c>bare-line-ending</c>).</summary>
    public string Rule => RuleInfo.Id;

    /// <summary>How serious the violation is.</summary>
    public SmtpViolationSeverity Severity => RuleInfo.Severity;

    /// <summary>Where the rule is written, e.g. <c>RFC 5321 §2.3.8</c>.</summary>
    public string Reference => RuleInfo.Reference;

    /// <summary>What was wrong, in one line.</summary>
    public string Detail { get; }

    /// <summary>The stage of the session the violation was found at.</summary>
    public SmtpStage Stage { get; }

    /// <summary>Where: the command (AUTH secrets redacted), <c>content line 12</c>, <c>header Date</c>, or <c>connection</c>.</summary>
    public string Location { get; }

    /// <summary>The offending line, with control characters shown as escapes and shortened to 100 characters; <see langword="null"/> when there is none.</summary>
    public string? Excerpt { get; }

    /// <summary>The session the violation happened in.</summary>
    public string SessionId { get; }

    /// <summary>The queue id of the accepted message it concerns, or <see langword="null"/> outside an accepted message.</summary>
    public string? MessageId { get; }

    /// <summary>The rule's full description.</summary>
    public SmtpRule RuleInfo { get; }

    /// <summary>One line: severity, rule, reference, where, what, and the offending line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder()
            .Append(Severity).Append(' ').Append(Rule).Append(" (").Append(Reference).Append(") in ").Append(SessionId);
        if (MessageId is not null)
        {
            text.Append(", message ").Append(MessageId);
        }

        text.Append(", ").Append(Location).Append(": ").Append(Detail);
        if (Excerpt is not null)
        {
            text.Append(" Offending line: \"").Append(Excerpt).Append('"');
        }

        return text.ToString();
    }

    internal SmtpViolation ForMessage(string messageId) => new(RuleInfo, Stage, Location, Excerpt, SessionId, messageId, Detail);

    /// <summary>Control characters as C# escapes, so a bare CR or LF shows where it is; long lines cut with an ellipsis.</summary>
    private static string Shorten(string line)
    {
        var text = new StringBuilder(Math.Min(line.Length, ExcerptLength) + 8);
        foreach (var c in line)
        {
            if (text.Length >= ExcerptLength)
            {
                return text.Append('…').ToString();
            }

            _ = c switch
            {
                '\r' => text.Append("\\r"),
                '\n' => text.Append("\\n"),
                '\t' => text.Append("\\t"),
                '"' => text.Append("\\\""),
                < ' ' or '\x7f' => text.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }
}
