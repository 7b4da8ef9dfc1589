from ninja import NinjaAPI

api = NinjaAPI(title="TrialMatch API", version="1")
