namespace SmtpFixture.Checks;

/// <summary>How serious a <see cref="SmtpViolation"/> is; ordered, so that <c>severity &gt;= Warning</c> selects warnings and errors.</summary>
public enum SmtpViolationSeverity
{
    /// <summary>Best practice not followed; real servers accept the message.</summary>
    Info,

    /// <summary>A SHOULD of the RFC is broken, or the behaviour is very likely a bug.</summary>
    Warning,

    /// <summary>A MUST of the RFC is broken: some real servers refuse or alter such mail.</summary>
    Error,
}
