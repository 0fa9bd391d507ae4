namespace Fork.Tests; public class PlaceholderSpec { [Xunit.Fact] public void Ok() => Xunit.Assert.True(1 + 1 == 2); }
