using System.Net;

namespace SmtpFixture.Policies;

/// <summary>
/// What a policy sees when it is consulted: the stage, the session, the transaction so far and the command. The server
/// builds one per decision; a test builds its own to unit-test a policy without a client:
/// <code>
/// var context = new SmtpPolicyContext(SmtpStage.RcptTo) { Argument = "bob@example.com", MailFrom = "anne@example.com" };
/// var verdict = await policy.EvaluateAsync(context);
/// </code>
/// </summary>
public sealed class SmtpPolicyContext
{
    private SmtpSessionInfo? _session;

    /// <summary>Creates a context for <paramref name="stage"/>; set the rest with an object initializer.</summary>
    /// <param name="stage">The stage being decided.</param>
    public SmtpPolicyContext(SmtpStage stage) => Stage = stage;

    /// <summary>The stage being decided.</summary>
    public SmtpStage Stage { get; }

    /// <summary>
    /// The session: client address, EHLO name, TLS and authentication state. Unless set, a plaintext session from
    /// <c>127.0.0.1</c> that has not greeted yet, connected at the <see cref="TimeProvider"/>'s current time.
    /// </summary>
    public SmtpSessionInfo Session
    {
        get => _session ??= new SmtpSessionInfo
        {
            SessionId = "test",
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 25),
            ConnectedAt = TimeProvider.GetUtcNow(),
        };
        init => _session = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The command line (AUTH secrets redacted), or <see langword="null"/> at <see cref="SmtpStage.Connect"/> and <see cref="SmtpStage.EndOfMessage"/>.</summary>
    public string? Command { get; init; }

    /// <summary>
    /// The command's argument as the server parsed it: the reverse-path at MAIL FROM, the forward-path at RCPT TO
    /// (both without angle brackets), the client's name at EHLO/HELO, the SASL mechanism at AUTH; otherwise
    /// <see langword="null"/>. <see cref="Address"/>, <see cref="ClientName"/> and <see cref="Mechanism"/> read it by stage.
    /// </summary>
    public string? Argument { get; init; }

    /// <summary>The mailbox the command is about: the reverse-path at MAIL FROM, the forward-path at RCPT TO; otherwise <see langword="null"/>.</summary>
    public string? Address => Stage is SmtpStage.MailFrom or SmtpStage.RcptTo ? Argument : null;

    /// <summary>
    /// The name the client gives with this EHLO or HELO, at <see cref="SmtpStage.Helo"/>; otherwise <see langword="null"/>
    /// (<see cref="SmtpSessionInfo.ClientName"/> has the name of an earlier greeting).
    /// </summary>
    public string? ClientName => Stage == SmtpStage.Helo ? Argument : null;

    /// <summary>The SASL mechanism the client authenticated with, at <see cref="SmtpStage.Auth"/>; otherwise <see langword="null"/>.</summary>
    public string? Mechanism => Stage == SmtpStage.Auth ? Argument : null;

    /// <summary>The ESMTP parameters of MAIL FROM or RCPT TO; empty at other stages.</summary>
    public SmtpParameters Parameters { get; init; } = SmtpParameters.Empty;

    /// <summary>
    /// The ESMTP parameters of the current transaction's MAIL FROM (SIZE, BODY, SMTPUTF8, …); at
    /// <see cref="SmtpStage.MailFrom"/> the same as <see cref="Parameters"/>; empty outside a transaction.
    /// </summary>
    public SmtpParameters MailParameters { get; init; } = SmtpParameters.Empty;

    /// <summary>The reverse-path of the current transaction, or <see langword="null"/> outside one.</summary>
    public string? MailFrom { get; init; }

    /// <summary>The forward-paths accepted so far in the current transaction.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>
    /// The 1-based number of the current transaction (MAIL FROM to its end) among all the server has begun since it
    /// started or was last reset, counting refused and aborted ones; 0 outside a transaction. Not the number of
    /// messages accepted: a transaction refused at RCPT TO still takes a number.
    /// </summary>
    public int TransactionNumber { get; init; }

    /// <summary>The message content, at <see cref="SmtpStage.EndOfMessage"/>; empty otherwise.</summary>
    public ReadOnlyMemory<byte> MessageData { get; init; }

    /// <summary>The server's clock; <see cref="TimeProvider.System"/> unless set.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
