// One throwaway PostgreSQL server for the whole assembly; each test class or test takes its own database.
[assembly: Xunit.AssemblyFixture(typeof(Social.Testing.StoresFixture))]
