namespace SmtpFixture.Checks;

/// <summary>The mode of every rule as the server started with it; read on every check, so an array, never a lookup.</summary>
internal sealed class CheckSettings
{
    private readonly SmtpCheckMode[] _modes;

    public CheckSettings(SmtpCheckOptions options)
    {
        _modes = options.Snapshot();
        foreach (var rule in SmtpRules.All)
        {
            if (rule.IsMessageLevel)
            {
                AnyMessageRuleOn |= _modes[rule.Index] != SmtpCheckMode.Off;
                AnyMessageRuleRejects |= _modes[rule.Index] == SmtpCheckMode.Reject;
            }
        }
    }

    /// <summary>Whether any message-level rule is checked at all.</summary>
    public bool AnyMessageRuleOn { get; }

    /// <summary>Whether a message-level rule must be checked before the final reply (it may refuse the message).</summary>
    public bool AnyMessageRuleRejects { get; }

    public SmtpCheckMode this[SmtpRule rule] => _modes[rule.Index];

    public bool IsOn(SmtpRule rule) => _modes[rule.Index] != SmtpCheckMode.Off;

    public bool Rejects(SmtpRule rule) => _modes[rule.Index] == SmtpCheckMode.Reject;
}
