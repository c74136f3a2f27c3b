namespace SmtpFixture.Checks;

/// <summary>
/// What the server does about each rule of <see cref="SmtpRules"/>: <see cref="SmtpCheckMode.Record"/> for every
/// rule by default. Set on <see cref="SmtpTestServerOptions.Checks"/> before the server starts.
/// </summary>
public sealed class SmtpCheckOptions
{
    private readonly SmtpCheckMode[] _modes = Enumerable.Repeat(SmtpCheckMode.Record, SmtpRules.All.Count).ToArray();

    /// <summary>The mode of one rule.</summary>
    /// <param name="rule">A rule id, e.g. <see cref="SmtpRules.BareLineEnding"/>.</param>
    /// <exception cref="ArgumentException">No rule has this id.</exception>
    public SmtpCheckMode this[string rule]
    {
        get => _modes[SmtpRules.Get(rule).Index];
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown check mode.");
            }

            _modes[SmtpRules.Get(rule).Index] = value;
        }
    }

    /// <summary>Sets every rule at once: all off, all recorded (the default), or errors rejected and the rest recorded.</summary>
    /// <param name="preset">The preset.</param>
    /// <returns>These options, to set single rules after.</returns>
    public SmtpCheckOptions Apply(SmtpCheckPreset preset)
    {
        foreach (var rule in SmtpRules.All)
        {
            _modes[rule.Index] = preset switch
            {
                SmtpCheckPreset.None => SmtpCheckMode.Off,
                SmtpCheckPreset.Default => SmtpCheckMode.Record,
                SmtpCheckPreset.Strict => rule.Severity == SmtpViolationSeverity.Error ? SmtpCheckMode.Reject : SmtpCheckMode.Record,
                _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown preset."),
            };
        }

        return this;
    }

    /// <summary>A copy the engine reads while it runs, so later changes to the options do not reach running sessions.</summary>
    internal SmtpCheckMode[] Snapshot() => (SmtpCheckMode[])_modes.Clone();
}
