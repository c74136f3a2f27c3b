namespace SmtpFixture.Checks;

/// <summary>A mode for every rule at once, for <see cref="SmtpCheckOptions.Apply(SmtpCheckPreset)"/>.</summary>
public enum SmtpCheckPreset
{
    /// <summary>Every rule <see cref="SmtpCheckMode.Off"/>: no check costs anything.</summary>
    None,

    /// <summary>Every rule <see cref="SmtpCheckMode.Record"/>: everything is reported, nothing is refused (the default).</summary>
    Default,

    /// <summary>Rules of severity <see cref="SmtpViolationSeverity.Error"/> <see cref="SmtpCheckMode.Reject"/>, the others <see cref="SmtpCheckMode.Record"/>: the server refuses what strict real servers refuse.</summary>
    Strict,
}
