namespace SmtpFixture.Policies;

/// <summary>
/// The replies and faults scripted for one test, reachable as <see cref="SmtpTestServer.Script"/> and consulted before
/// every other policy: <c>server.Script.OnRcptTo("bob@example.com").Times(2).Reply(SmtpReplies.MailboxBusy)</c>.
/// Steps are tried in the order they were added; the first that matches and has uses left applies (a delay step
/// waits, then the next steps are tried). Safe to extend while clients are sending. <see cref="SmtpTestServer.Reset"/>
/// removes every step, and a <c>WaitFor…</c> that times out lists the steps not used as scripted.
/// </summary>
public sealed class SmtpScript : SmtpPolicy
{
    private readonly object _gate = new();
    private SmtpScriptStep[] _steps = [];

    internal SmtpScript()
    {
    }

    /// <summary>Records script steps in <see cref="SmtpExchange.AnsweredBy"/> by their own description; this name appears only on failures.</summary>
    public override string Name => "Script";

    /// <summary>The steps, in the order they are tried.</summary>
    public IReadOnlyList<SmtpScriptStep> Steps => Volatile.Read(ref _steps);

    /// <summary>Scripts the answer to a client's connection (instead of the 220 greeting).</summary>
    public SmtpScriptStepBuilder OnConnect() => new(this, SmtpStage.Connect, null, null);

    /// <summary>Scripts the answer to EHLO or HELO.</summary>
    /// <param name="clientName">Only for this client name; <c>*</c> matches any run of characters. Any when <see langword="null"/>.</param>
    public SmtpScriptStepBuilder OnHelo(string? clientName = null) => new(this, SmtpStage.Helo, clientName, null);

    /// <summary>Scripts the answer to AUTH, after the credentials were checked.</summary>
    public SmtpScriptStepBuilder OnAuth() => new(this, SmtpStage.Auth, null, null);

    /// <summary>Scripts the answer to MAIL FROM.</summary>
    /// <param name="address">Only for this reverse-path, ignoring case; <c>*</c> matches any run of characters (<c>*@example.com</c>). Any when <see langword="null"/>.</param>
    public SmtpScriptStepBuilder OnMailFrom(string? address = null) => new(this, SmtpStage.MailFrom, address, null);

    /// <summary>Scripts the answer to RCPT TO.</summary>
    /// <param name="address">Only for this forward-path, ignoring case; <c>*</c> matches any run of characters (<c>*@example.com</c>). Any when <see langword="null"/>.</param>
    public SmtpScriptStepBuilder OnRcptTo(string? address = null) => new(this, SmtpStage.RcptTo, address, null);

    /// <summary>Scripts the answer to DATA, or to the first BDAT of a transaction.</summary>
    public SmtpScriptStepBuilder OnData() => new(this, SmtpStage.Data, null, null);

    /// <summary>Scripts the answer at the end of a message (after DATA's final dot or BDAT LAST), before anything is captured.</summary>
    /// <param name="number">Only for the transaction with this 1-based number since the start or the last reset (see <see cref="SmtpPolicyContext.MessageNumber"/>). Any when <see langword="null"/>.</param>
    public SmtpScriptStepBuilder OnMessage(int? number = null)
    {
        if (number is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(number));
        }

        return new(this, SmtpStage.EndOfMessage, null, number);
    }

    /// <summary>Removes every step.</summary>
    public override void Reset()
    {
        lock (_gate)
        {
            _steps = [];
        }
    }

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnConnectAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnHeloAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnAuthAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnDataAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    internal override string DescribePending()
    {
        var pending = Steps.Select(s => s.DescribePending()).OfType<string>().ToArray();
        return pending.Length == 0 ? string.Empty : "Script steps not used as scripted:" + string.Concat(pending.Select(p => Environment.NewLine + "  " + p));
    }

    internal void Add(SmtpScriptStep step)
    {
        lock (_gate)
        {
            _steps = [.. _steps, step];
        }
    }

    private ValueTask<SmtpVerdict> RunAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        var steps = Volatile.Read(ref _steps);
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (!step.Matches(context) || !step.TryConsume())
            {
                continue;
            }

            if (step.Verdict.Kind == SmtpVerdictKind.Delay)
            {
                return DelayThenRunAsync(step.Verdict.Delay, steps, i + 1, context, cancellationToken);
            }

            return new(step.Verdict);
        }

        return new(SmtpVerdict.Continue);
    }

    // A delay step waits here rather than in the session, so that a later step can still answer (a delayed 421).
    private async ValueTask<SmtpVerdict> DelayThenRunAsync(TimeSpan delay, SmtpScriptStep[] steps, int next, SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        for (var i = next; i < steps.Length; i++)
        {
            var step = steps[i];
            if (!step.Matches(context) || !step.TryConsume())
            {
                continue;
            }

            if (step.Verdict.Kind == SmtpVerdictKind.Delay)
            {
                await Task.Delay(step.Verdict.Delay, context.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return step.Verdict;
        }

        return SmtpVerdict.Continue;
    }
}
