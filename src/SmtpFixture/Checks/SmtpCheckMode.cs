namespace SmtpFixture.Checks;

/// <summary>What the server does when a check's rule is broken.</summary>
public enum SmtpCheckMode
{
    /// <summary>The rule is not checked.</summary>
    Off,

    /// <summary>The violation is recorded and the client is answered as if nothing were wrong (the default).</summary>
    Record,

    /// <summary>The violation is recorded and the command or message is refused with the rule's <see cref="SmtpRule.RejectReply"/>.</summary>
    Reject,
}
