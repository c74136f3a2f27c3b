namespace SmtpFixture.Cli.Tests;

public sealed class ValueParsersTests
{
    [Theory]
    [InlineData("1048576", 1048576)]
    [InlineData("10MB", 10_000_000)]
    [InlineData("10mb", 10_000_000)]
    [InlineData("512KiB", 524288)]
    [InlineData("1.5MiB", 1572864)]
    [InlineData("2G", 2147483648)]
    [InlineData("0", 0)]
    public void SizesAcceptBytesAndDecimalAndBinaryUnits(string text, long expected)
    {
        Assert.True(ValueParsers.TryParseSize(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("-1")]
    [InlineData("10 parsecs")]
    [InlineData("0.5B")]
    public void MalformedSizesAreRejected(string text) => Assert.False(ValueParsers.TryParseSize(text, out _));

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1m30s", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("00:05:00", 300)]
    public void DurationsAcceptUnitsAndTimeSpans(string text, double seconds)
    {
        Assert.True(ValueParsers.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 weeks")]
    [InlineData("m5")]
    public void MalformedDurationsAreRejected(string text) => Assert.False(ValueParsers.TryParseDuration(text, out _));

    [Theory]
    [InlineData("10/1m", 10, 60)]
    [InlineData("3/m", 3, 60)]
    [InlineData("100/1h", 100, 3600)]
    public void RatesAreCountPerWindow(string text, int limit, double windowSeconds)
    {
        Assert.True(ValueParsers.TryParseRate(text, out var n, out var window));
        Assert.Equal(limit, n);
        Assert.Equal(TimeSpan.FromSeconds(windowSeconds), window);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("0/1m")]
    [InlineData("ten/1m")]
    [InlineData("10/0s")]
    public void MalformedRatesAreRejected(string text) => Assert.False(ValueParsers.TryParseRate(text, out _, out _));

    [Fact]
    public void AUserPasswordMayContainColons()
    {
        Assert.True(ValueParsers.TryParseUser("app:s3:cr:et", out var name, out var password));
        Assert.Equal("app", name);
        Assert.Equal("s3:cr:et", password);
    }

    [Theory]
    [InlineData("app")]
    [InlineData(":secret")]
    [InlineData("app:")]
    public void MalformedUsersAreRejected(string text) => Assert.False(ValueParsers.TryParseUser(text, out _, out _));
}
