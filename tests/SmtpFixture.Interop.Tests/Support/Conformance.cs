using SmtpFixture.Checks;

namespace SmtpFixture.Interop.Tests.Support;

/// <summary>What a real client's message must show: no violation of an Error rule (a MUST) in it or in its transaction.</summary>
internal static class Conformance
{
    /// <summary>Asserts that no Error rule was broken; returns the ids of the warnings and infos, sorted, for the test to pin.</summary>
    public static string[] AssertNoErrors(ReceivedMessage message)
    {
        var violations = message.Violations;
        Assert.False(violations.Any(v => v.Severity == SmtpViolationSeverity.Error), string.Join(Environment.NewLine, violations));
        return Rules(message);
    }

    /// <summary>The ids of every rule the message and its transaction broke, sorted.</summary>
    public static string[] Rules(ReceivedMessage message) =>
        message.Violations.Select(v => v.Rule).Distinct().Order(StringComparer.Ordinal).ToArray();
}
