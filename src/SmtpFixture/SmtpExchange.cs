namespace SmtpFixture;

/// <summary>One command of an attempt and the reply the server gave to it.</summary>
public sealed class SmtpExchange
{
    internal SmtpExchange(SmtpStage stage, string command, SmtpReply reply, string? answeredBy, DateTimeOffset at)
    {
        Stage = stage;
        Command = command;
        Reply = reply;
        AnsweredBy = answeredBy;
        At = at;
    }

    /// <summary>The stage the command belongs to.</summary>
    public SmtpStage Stage { get; }

    /// <summary>The command line as received (AUTH secrets redacted); for the end of message, <c>&lt;end of data&gt;</c>.</summary>
    public string Command { get; }

    /// <summary>The reply given.</summary>
    public SmtpReply Reply { get; }

    /// <summary>The name of the policy or script step that decided the reply, or <see langword="null"/> for the server's own reply.</summary>
    public string? AnsweredBy { get; }

    /// <summary>When the reply was given, from the server's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The command and reply, e.g. <c>RCPT TO:&lt;x@y&gt; → 550 5.1.1 …</c>.</summary>
    public override string ToString() => AnsweredBy is null ? $"{Command} -> {Reply}" : $"{Command} -> {Reply} [{AnsweredBy}]";
}
