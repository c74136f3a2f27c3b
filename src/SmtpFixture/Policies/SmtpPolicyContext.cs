namespace SmtpFixture.Policies;

/// <summary>What a policy sees when it is consulted: the stage, the session, the transaction so far and the command.</summary>
public sealed class SmtpPolicyContext
{
    internal SmtpPolicyContext(
        SmtpStage stage,
        SmtpSessionInfo session,
        string? command,
        string? address,
        SmtpParameters parameters,
        string? mailFrom,
        IReadOnlyList<string> recipients,
        int messageNumber,
        ReadOnlyMemory<byte> messageData,
        TimeProvider timeProvider)
    {
        Stage = stage;
        Session = session;
        Command = command;
        Address = address;
        Parameters = parameters;
        MailFrom = mailFrom;
        Recipients = recipients;
        MessageNumber = messageNumber;
        MessageData = messageData;
        TimeProvider = timeProvider;
    }

    /// <summary>The stage being decided.</summary>
    public SmtpStage Stage { get; }

    /// <summary>The session: client address, EHLO name, TLS and authentication state.</summary>
    public SmtpSessionInfo Session { get; }

    /// <summary>The command line (AUTH secrets redacted), or <see langword="null"/> at <see cref="SmtpStage.Connect"/> and <see cref="SmtpStage.EndOfMessage"/>.</summary>
    public string? Command { get; }

    /// <summary>
    /// The address the command is about: the reverse-path at MAIL FROM, the forward-path at RCPT TO, the EHLO name at
    /// HELO/EHLO, the SASL mechanism at AUTH; otherwise <see langword="null"/>.
    /// </summary>
    public string? Address { get; }

    /// <summary>The ESMTP parameters of MAIL FROM or RCPT TO; empty at other stages.</summary>
    public SmtpParameters Parameters { get; }

    /// <summary>
    /// The ESMTP parameters of the current transaction's MAIL FROM (SIZE, BODY, SMTPUTF8, …); at
    /// <see cref="SmtpStage.MailFrom"/> the same as <see cref="Parameters"/>; empty outside a transaction.
    /// </summary>
    public SmtpParameters MailParameters { get; internal init; } = SmtpParameters.Empty;

    /// <summary>The reverse-path of the current transaction, or <see langword="null"/> outside one.</summary>
    public string? MailFrom { get; }

    /// <summary>The forward-paths accepted so far in the current transaction.</summary>
    public IReadOnlyList<string> Recipients { get; }

    /// <summary>The 1-based number of this transaction's message among all messages the server has been sent (counting from the last reset), 0 outside one.</summary>
    public int MessageNumber { get; }

    /// <summary>The message content, at <see cref="SmtpStage.EndOfMessage"/>; empty otherwise.</summary>
    public ReadOnlyMemory<byte> MessageData { get; }

    /// <summary>The server's clock.</summary>
    public TimeProvider TimeProvider { get; }
}
