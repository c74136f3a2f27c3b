using System.Globalization;

namespace SmtpFixture.Policies;

/// <summary>
/// One scripted step of <see cref="SmtpScript"/>: when a command at its stage matches, it answers (or drops the
/// connection, or delays) a given number of times. Its <see cref="Description"/> is what the attempts record in
/// <see cref="SmtpExchange.AnsweredBy"/>, e.g. <c>Script: RCPT TO bob@example.com ×2 → 450 4.2.0</c>.
/// </summary>
public sealed class SmtpScriptStep
{
    private const int Unlimited = -1;

    private readonly string? _addressPattern;
    private readonly int? _transactionNumber;
    private readonly Func<SmtpPolicyContext, bool>? _predicate;
    private readonly int _times;
    private readonly SmtpVerdict _verdict;
    private int _remaining;
    private int _uses;

    internal SmtpScriptStep(
        SmtpStage stage, string? addressPattern, int? transactionNumber, Func<SmtpPolicyContext, bool>? predicate, string? predicateDescription, int? times, SmtpVerdict verdict)
    {
        Stage = stage;
        _addressPattern = addressPattern;
        _transactionNumber = transactionNumber;
        _predicate = predicate;
        _times = times ?? Unlimited;
        _remaining = _times;
        Description = Describe(stage, addressPattern, transactionNumber, predicate is null ? null : predicateDescription ?? "predicate", _times, verdict);
        _verdict = verdict.Kind == SmtpVerdictKind.Delay ? verdict : verdict.WithAnsweredBy(Description);
    }

    /// <summary>The stage the step answers at.</summary>
    public SmtpStage Stage { get; }

    /// <summary>What the step matches and does, e.g. <c>Script: message #3 ×1 → drop connection</c>.</summary>
    public string Description { get; }

    /// <summary>How many times the step has been used so far.</summary>
    public int Uses => Volatile.Read(ref _uses);

    /// <summary>Whether the step has been used as often as it was scripted (never, for a step that applies always).</summary>
    public bool IsUsedUp => _times != Unlimited && Volatile.Read(ref _remaining) == 0;

    internal SmtpVerdict Verdict => _verdict;

    /// <summary>The step's <see cref="Description"/>.</summary>
    public override string ToString() => Description;

    /// <summary>Whether the command matches the step's stage, address, message number and predicate (not whether uses are left).</summary>
    internal bool Matches(SmtpPolicyContext context) =>
        context.Stage == Stage
        && (_addressPattern is null || (context.Argument is { } argument && IsMatch(argument, _addressPattern)))
        && (_transactionNumber is null || context.TransactionNumber == _transactionNumber)
        && (_predicate is null || _predicate(context));

    /// <summary>Takes one use if any is left; atomic, so concurrent sessions never use a step more often than scripted.</summary>
    internal bool TryConsume()
    {
        if (_times != Unlimited)
        {
            int remaining;
            do
            {
                remaining = Volatile.Read(ref _remaining);
                if (remaining == 0)
                {
                    return false;
                }
            }
            while (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) != remaining);
        }

        Interlocked.Increment(ref _uses);
        return true;
    }

    /// <summary>What is left to do, for failure messages; <see langword="null"/> when the step was used as scripted.</summary>
    internal string? DescribePending()
    {
        var uses = Uses;
        if (_times == Unlimited)
        {
            return uses == 0 ? Description + " (never used)" : null;
        }

        return uses < _times ? string.Create(CultureInfo.InvariantCulture, $"{Description} (used {uses} of {_times})") : null;
    }

    /// <summary>A case-insensitive match where <c>*</c> stands for any run of characters.</summary>
    private static bool IsMatch(string text, string pattern)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(text, pattern, StringComparison.OrdinalIgnoreCase);
        }

        var parts = pattern.Split('*');
        if (!text.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var position = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = text.IndexOf(parts[i], position, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return text.Length - position >= parts[^1].Length && text.EndsWith(parts[^1], StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(SmtpStage stage, string? pattern, int? transactionNumber, string? predicate, int times, SmtpVerdict verdict)
    {
        var what = stage switch
        {
            SmtpStage.Connect => "connect",
            SmtpStage.Helo => "EHLO/HELO",
            SmtpStage.MailFrom => "MAIL FROM",
            SmtpStage.RcptTo => "RCPT TO",
            SmtpStage.EndOfMessage => transactionNumber is null ? "end of message" : "message #" + transactionNumber.Value.ToString(CultureInfo.InvariantCulture),
            _ => stage.ToString().ToUpperInvariant(),
        };
        var count = times == Unlimited ? "always" : "×" + times.ToString(CultureInfo.InvariantCulture);
        var action = verdict.Kind switch
        {
            SmtpVerdictKind.Reply => verdict.ReplyToSend!.EnhancedStatusCode is null
                ? verdict.ReplyToSend.Code.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{verdict.ReplyToSend.Code} {verdict.ReplyToSend.EnhancedStatusCode}"),
            SmtpVerdictKind.Drop => "drop connection",
            SmtpVerdictKind.Delay => string.Create(CultureInfo.InvariantCulture, $"delay {verdict.DelayDuration.TotalSeconds:0.###} s"),
            _ => "continue",
        };
        if (verdict.CloseAfterReply)
        {
            action += " and close";
        }

        return "Script: " + what
            + (pattern is null ? string.Empty : " " + pattern)
            + (predicate is null ? string.Empty : " when " + predicate)
            + " " + count + " → " + action;
    }
}
