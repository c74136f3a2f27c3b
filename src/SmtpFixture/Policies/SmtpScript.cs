namespace SmtpFixture.Policies;

/// <summary>
/// The replies and faults scripted for one test, reachable as <see cref="SmtpTestServer.Script"/> and consulted before
/// every other policy: <c>server.Script.OnRcptTo("bob@example.com").Times(2).Reply(SmtpReplies.MailboxBusy)</c>.
/// Steps are tried in the order they were added; the first that matches and has uses left applies (a delay step
/// waits, then the next steps are tried). Safe to extend while clients are sending. <see cref="SmtpTestServer.Reset"/>
/// removes every step, and a <c>WaitFor…</c> that times out lists the steps not used as scripted.
/// </summary>
/// <remarks>
/// The script is not an <see cref="SmtpPolicy"/> itself, so that its builder methods do not sit next to the policy
/// hooks; the server runs it through an internal policy placed first in the chain.
/// </remarks>
public sealed class SmtpScript
{
    private readonly object _gate = new();
    private SmtpScriptStep[] _steps = [];

    internal SmtpScript() => Policy = new ScriptPolicy(this);

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
    /// <param name="number">Only for the transaction with this 1-based number since the start or the last reset (see <see cref="SmtpPolicyContext.TransactionNumber"/>; refused and aborted transactions count too). Any when <see langword="null"/>.</param>
    public SmtpScriptStepBuilder OnMessage(int? number = null)
    {
        if (number is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(number));
        }

        return new(this, SmtpStage.EndOfMessage, null, number);
    }

    /// <summary>Removes every step (<see cref="SmtpTestServer.Reset"/> does it too).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _steps = [];
        }
    }

    /// <summary>The policy that runs the steps, first in every server's chain.</summary>
    internal SmtpPolicy Policy { get; }

    /// <summary>The steps not used as scripted, for failure messages; empty when none.</summary>
    internal string DescribePending()
    {
        var pending = Steps.Select(s => s.DescribePending()).OfType<string>().ToArray();
        return pending.Length == 0 ? string.Empty : "Script steps not used as scripted:" + string.Concat(pending.Select(p => Environment.NewLine + "  " + p));
    }

    internal SmtpScriptStep[] Snapshot => Volatile.Read(ref _steps);

    internal void Add(SmtpScriptStep step)
    {
        lock (_gate)
        {
            _steps = [.. _steps, step];
        }
    }
}
