namespace SmtpFixture.Checks;

/// <summary>The data of <see cref="SmtpTestServer.ViolationRecorded"/>.</summary>
public sealed class SmtpViolationEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="violation">The violation just recorded.</param>
    public SmtpViolationEventArgs(SmtpViolation violation) => Violation = violation;

    /// <summary>The violation just recorded.</summary>
    public SmtpViolation Violation { get; }
}
