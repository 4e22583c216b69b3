from ninja import Router

router = Router(tags=["Trẻ em"])
