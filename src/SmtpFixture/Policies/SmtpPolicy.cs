namespace SmtpFixture.Policies;

/// <summary>
/// Decides how the server answers at each stage of a session. Override the hooks you need; each returns
/// <see cref="SmtpVerdict.Continue"/> by default. Policies run in order and the first decisive verdict wins;
/// when none decides, the server sends its RFC-correct default reply. Implementations must be thread-safe:
/// one policy instance serves every session of a server at once.
/// </summary>
public abstract class SmtpPolicy
{
    private static readonly ValueTask<SmtpVerdict> ContinueTask = new(SmtpVerdict.Continue);

    /// <summary>The name recorded in <see cref="SmtpExchange.AnsweredBy"/> when this policy answers.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Called when a client connects, before the greeting.</summary>
    public virtual ValueTask<SmtpVerdict> OnConnectAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Called for EHLO and HELO; <see cref="SmtpPolicyContext.ClientName"/> holds the name the client gives.</summary>
    public virtual ValueTask<SmtpVerdict> OnHeloAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Called for AUTH, after the credentials were checked; <see cref="SmtpPolicyContext.Mechanism"/> holds the mechanism.</summary>
    public virtual ValueTask<SmtpVerdict> OnAuthAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Called for a syntactically valid MAIL FROM; <see cref="SmtpPolicyContext.Address"/> holds the reverse-path.</summary>
    public virtual ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Called for a syntactically valid RCPT TO; <see cref="SmtpPolicyContext.Address"/> holds the forward-path.</summary>
    public virtual ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Called for DATA, or the first BDAT of a transaction, before the server invites the content.</summary>
    public virtual ValueTask<SmtpVerdict> OnDataAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Called when the whole message has arrived, before the final reply; a refusal here means nothing is captured.</summary>
    public virtual ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => ContinueTask;

    /// <summary>Forgets all state (counters, allow-lists); called by <see cref="SmtpTestServer.Reset"/>.</summary>
    public virtual void Reset()
    {
    }

    /// <summary>Describes work the policy expected and never did (unused script steps), for failure messages; empty when none.</summary>
    internal virtual string DescribePending() => string.Empty;

    /// <summary>
    /// Calls the hook for <paramref name="context"/>'s <see cref="SmtpPolicyContext.Stage"/>, as the server does; for unit
    /// tests of a policy. Stages without a hook (STARTTLS, other commands) get <see cref="SmtpVerdict.Continue"/>.
    /// </summary>
    /// <param name="context">What the policy decides on.</param>
    /// <param name="cancellationToken">Cancels a policy that waits.</param>
    /// <returns>The policy's verdict.</returns>
    public ValueTask<SmtpVerdict> EvaluateAsync(SmtpPolicyContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Dispatch(context, cancellationToken);
    }

    private ValueTask<SmtpVerdict> Dispatch(SmtpPolicyContext context, CancellationToken cancellationToken) => context.Stage switch
    {
        SmtpStage.Connect => OnConnectAsync(context, cancellationToken),
        SmtpStage.Helo => OnHeloAsync(context, cancellationToken),
        SmtpStage.Auth => OnAuthAsync(context, cancellationToken),
        SmtpStage.MailFrom => OnMailFromAsync(context, cancellationToken),
        SmtpStage.RcptTo => OnRcptToAsync(context, cancellationToken),
        SmtpStage.Data => OnDataAsync(context, cancellationToken),
        SmtpStage.EndOfMessage => OnMessageAsync(context, cancellationToken),
        _ => ContinueTask,
    };
}
