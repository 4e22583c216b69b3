from ninja import Router

router = Router(tags=["Quỹ Bảo trợ trẻ em"])
