namespace SmtpFixture.Checks;

/// <summary>One check the server makes of what a client sends: a stable id, how serious breaking it is, and where it is written.</summary>
public sealed class SmtpRule
{
    internal SmtpRule(int index, string id, SmtpViolationSeverity severity, string reference, string description, SmtpReply? rejectReply, bool messageLevel)
    {
        Index = index;
        Id = id;
        Severity = severity;
        Reference = reference;
        Description = description;
        RejectReply = rejectReply;
        IsMessageLevel = messageLevel;
    }

    /// <summary>The rule id, a kebab-case string that never changes (<c>bare-line-ending</c>); the constants are in <see cref="SmtpRules"/>.</summary>
    public string Id { get; }

    /// <summary>How serious breaking the rule is.</summary>
    public SmtpViolationSeverity Severity { get; }

    /// <summary>Where the rule is written, e.g. <c>RFC 5321 §2.3.8</c>.</summary>
    public string Reference { get; }

    /// <summary>What the rule asks, in one line a developer understands without opening the RFC.</summary>
    public string Description { get; }

    /// <summary>
    /// The reply given in <see cref="SmtpCheckMode.Reject"/> mode, or <see langword="null"/> when there is none to
    /// give: the client has left (<c>no-quit</c>), the octets are discarded anyway (<c>pipelined-after-starttls</c>), or
    /// the reply is the one the request got before (<c>retry-after-permanent-failure</c>).
    /// </summary>
    public SmtpReply? RejectReply { get; }

    /// <summary>Whether the rule reads the parsed message (header fields, MIME structure) rather than the SMTP exchange or raw content.</summary>
    public bool IsMessageLevel { get; }

    internal int Index { get; }

    /// <summary>The id, severity and reference.</summary>
    public override string ToString() => $"{Id} ({Severity}, {Reference})";
}
